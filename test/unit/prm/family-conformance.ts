import { InvalidUpstreamResponseError } from '../../../src/errors';
import { applyTokenSwaps, type PrmFamily, type ReadScoresContext } from '../../../src/prm';
import { extractRaw, type PrmFixture } from './prm-fixture';

const UPSTREAM = 'prm-under-test';

function countOccurrences(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

/** The context a backend would pass for the fixture's path (positions only where the readout uses them). */
function fixtureContext(
  fixture: PrmFixture,
  stepCount = fixture.rendered.stepCount,
): ReadScoresContext {
  if (fixture.tokenIds === null) return { stepCount, upstream: UPSTREAM };
  return {
    stepCount,
    upstream: UPSTREAM,
    tokenIds: fixture.tokenIds.sent,
    scorePositions: fixture.tokenIds.scorePositions,
  };
}

/**
 * The shared suite every PRM family test runs (STYLE 2.6): golden rendering, one marker per step,
 * empty paths, awkward step texts, wrong counts, and scores in [0, 1].
 */
export function runFamilyConformance(family: PrmFamily, fixture: PrmFixture): void {
  describe(`${family.name} conformance (${fixture.family} fixture)`, () => {
    it('renders the golden text, swaps and step count exactly', () => {
      const input = family.render(fixture.question, fixture.steps);
      expect(input.text).toBe(fixture.rendered.text);
      expect(input.tokenSwaps).toEqual(fixture.rendered.tokenSwaps);
      expect(input.stepCount).toBe(fixture.rendered.stepCount);
      expect(input.addSpecialTokens).toBe(fixture.rendered.addSpecialTokens);
    });

    it('writes exactly one marker per step', () => {
      const marker = family.stepMarker;
      if (marker === null) return;
      const input = family.render(fixture.question, fixture.steps);
      expect(countOccurrences(input.text, marker.text)).toBe(fixture.steps.length);
    });

    it('renders an empty step list with no marker and reads no scores', () => {
      const input = family.render(fixture.question, []);
      expect(input.stepCount).toBe(0);
      if (family.stepMarker !== null)
        expect(countOccurrences(input.text, family.stepMarker.text)).toBe(0);
      const context: ReadScoresContext = { stepCount: 0, upstream: UPSTREAM };
      if (fixture.empty.tokenIds !== null) context.tokenIds = fixture.empty.tokenIds;
      if (fixture.empty.scorePositions !== undefined)
        context.scorePositions = fixture.empty.scorePositions;
      expect(family.readScores(fixture.empty.raw, context)).toEqual([]);
    });

    it('keeps one marker per step for awkward step texts, and none leak from the question', () => {
      const markerText = family.stepMarker?.text ?? '<|im_end|>';
      const steps = [
        '  padded with spaces and a trailing separator  \n\n',
        'an internal\n\nparagraph break and a single\nnewline',
        'unicode: √2 ≈ 1.414, π, 数学, émoji 🎲, Ωμέγα',
        `a step that mentions the marker ${markerText} inside, and at the end ${markerText}`,
        `<extra${markerText}_0> nested marker text`,
        '',
      ];
      const input = family.render(`Question with ${markerText} in it`, steps);
      expect(input.stepCount).toBe(steps.length);
      expect(input.text).toContain('√2 ≈ 1.414, π, 数学, émoji 🎲, Ωμέγα');
      if (family.stepMarker !== null) {
        expect(countOccurrences(input.text, family.stepMarker.text)).toBe(steps.length);
      } else {
        // Without markers, the control text must not survive inside the content either.
        expect(countOccurrences(input.text, markerText)).toBe(
          countOccurrences(family.render('q', ['a']).text, markerText),
        );
      }
    });

    it('ignores whitespace around steps (steps arrive with their "\\n\\n" separator)', () => {
      const withSeparators = fixture.steps.map((step) => `${step}\n\n`);
      expect(family.render(fixture.question, withSeparators).text).toBe(fixture.rendered.text);
      expect(family.render(fixture.question, fixture.steps).text).toBe(fixture.rendered.text);
    });

    if (fixture.tokenIds !== null) {
      const ids = fixture.tokenIds;
      it('locates one score position per step before the swaps, and the swaps keep them', () => {
        expect(family.locateScorePositions(ids.beforeSwaps)).toEqual(ids.scorePositions);
        expect(applyTokenSwaps(ids.beforeSwaps, fixture.rendered.tokenSwaps)).toEqual(ids.sent);
      });
    }

    it('reads the golden scores from the recorded response', () => {
      const raw = extractRaw(fixture.response, fixture.rawPath);
      const scores = family.readScores(raw, fixtureContext(fixture));
      expect(scores).toHaveLength(fixture.expectedScores.length);
      scores.forEach((score, index) => {
        expect(score).toBeCloseTo(fixture.expectedScores[index] ?? Number.NaN, 12);
        expect(score).toBeGreaterThanOrEqual(0);
        expect(score).toBeLessThanOrEqual(1);
      });
    });

    it('throws InvalidUpstreamResponseError, naming the upstream, when the output has the wrong count', () => {
      const read = (): number[] =>
        family.readScores(fixture.wrongCountRaw, fixtureContext(fixture));
      expect(read).toThrow(InvalidUpstreamResponseError);
      expect(read).toThrow(UPSTREAM);
    });

    if (family.readout.kind !== 'pooling-sequence-pair') {
      it('throws InvalidUpstreamResponseError when the expected step count differs (never pads)', () => {
        const raw = extractRaw(fixture.response, fixture.rawPath);
        const stepCount = fixture.rendered.stepCount;
        expect(() => family.readScores(raw, fixtureContext(fixture, stepCount + 1))).toThrow(
          InvalidUpstreamResponseError,
        );
        expect(() => family.readScores(raw, fixtureContext(fixture, stepCount - 1))).toThrow(
          InvalidUpstreamResponseError,
        );
      });
    }

    it('throws InvalidUpstreamResponseError on a body of the wrong shape', () => {
      for (const raw of [null, 'oops', { data: [] }, [[Number.NaN, 1]], [['0.5', '0.5']]]) {
        expect(() => family.readScores(raw, fixtureContext(fixture))).toThrow(
          InvalidUpstreamResponseError,
        );
      }
    });
  });
}
