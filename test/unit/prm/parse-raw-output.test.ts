import { InvalidUpstreamResponseError } from '../../../src/errors';
import {
  isStepPairs,
  parsePromptLogprobs,
  parseStepColumn,
  parseStepPairs,
  stepPairsSchema,
} from '../../../src/prm/parse-raw-output';
import { createSeededRandom } from '../../../src/util';

const context = { stepCount: 1, upstream: 'prm', tokenIds: [1, 2, 3] };
const entry = (logprobs: Record<string, number>): Record<string, { logprob: number }> =>
  Object.fromEntries(Object.entries(logprobs).map(([id, logprob]) => [id, { logprob }]));

describe('parsePromptLogprobs', () => {
  it('reads an entry as token id -> logprob where it is asked, null at the first position', () => {
    const entries = parsePromptLogprobs(
      [null, entry({ 10: -0.1, 12: -2.5 }), entry({ 7: 0 })],
      context,
    );
    expect(entries.length).toBe(3);
    expect(entries.at(0)).toBeNull();
    expect(entries.at(1)).toEqual(
      new Map([
        [10, -0.1],
        [12, -2.5],
      ]),
    );
    expect(entries.at(3)).toBeUndefined();
    expect(entries.at(-1)).toBeUndefined();
  });

  it('refuses a list that is not one entry per prompt token, or not a list', () => {
    expect(() => parsePromptLogprobs([null, null], context)).toThrow(
      /2 prompt_logprobs entries for 3/,
    );
    expect(() => parsePromptLogprobs({ data: [] }, context)).toThrow(InvalidUpstreamResponseError);
    expect(() => parsePromptLogprobs(null, context)).toThrow(InvalidUpstreamResponseError);
  });

  it('refuses a malformed entry when it is read, naming its position', () => {
    const entries = parsePromptLogprobs([null, { 10: { logprob: 'high' } }, [Number.NaN]], context);
    expect(() => entries.at(1)).toThrow(/entry 1/);
    expect(() => entries.at(2)).toThrow(InvalidUpstreamResponseError);
  });
});

describe('step pairs (STEP pooling)', () => {
  const pairsContext = { stepCount: 3, upstream: 'prm' };
  const VALID_PAIRS = [
    [0.1, 0.9],
    [0.5, 0.5],
    [1, 0],
  ];
  const ODD: unknown[] = [null, undefined, 0, -1, 2, 0.5, Number.NaN, Infinity, '0.5', true];
  ODD.push([], [0.5], [0.1, 0.2, 0.3], {}, { 0: 0.1, 1: 0.9, length: 2 });

  /** A copy of `value` with one item somewhere replaced, dropped or added. */
  function mutate(value: unknown, random: () => number): unknown {
    const pick = (): unknown => ODD[Math.floor(random() * ODD.length)];
    if (!Array.isArray(value)) return pick();
    const copy: unknown[] = [...(value as unknown[])];
    const roll = random();
    if (roll < 0.15 || copy.length === 0) copy.push(pick());
    else if (roll < 0.3) copy.pop();
    else {
      const at = Math.floor(random() * copy.length);
      copy[at] = random() < 0.5 ? mutate(copy[at], random) : pick();
    }
    return copy;
  }

  it('the zod-free check gives the schema verdict on every seeded mutation', () => {
    const random = createSeededRandom(18);
    let rejected = 0;
    const disagreements: unknown[] = [];
    for (let i = 0; i < 3000; i += 1) {
      let raw: unknown = VALID_PAIRS;
      const depth = 1 + Math.floor(random() * 3);
      for (let d = 0; d < depth; d += 1) raw = mutate(raw, random);
      const bySchema = stepPairsSchema.safeParse(raw).success;
      if (!bySchema) rejected += 1;
      if (isStepPairs(raw) !== bySchema) disagreements.push(raw);
    }
    expect(disagreements).toEqual([]);
    expect(isStepPairs(VALID_PAIRS)).toBe(true);
    // The mutations must produce raws the schema refuses, or the test proves nothing.
    expect(rejected).toBeGreaterThan(1000);
  });

  it('reads a column as the pairs read it, and refuses what the pairs refuse', () => {
    expect(parseStepColumn(VALID_PAIRS, pairsContext, 1)).toEqual(
      parseStepPairs(VALID_PAIRS, pairsContext).map((pair) => pair[1]),
    );
    expect(parseStepColumn(VALID_PAIRS, pairsContext, 0)).toEqual([0.1, 0.5, 1]);
    // Rounding slack is clamped, as `checkProbability` does.
    expect(parseStepColumn([[-1e-7, 1 + 1e-7]], { ...pairsContext, stepCount: 1 }, 1)).toEqual([1]);
    const refusals: [unknown, RegExp][] = [
      [[[0.1, 0.9]], /got 1 step pairs for 3 steps/],
      [
        [
          [0.1, 0.9],
          [0.2, 1.5],
          [0, 1],
        ],
        /step 1 column 1 is 1.5/,
      ],
      [
        [
          [0.1, 0.9],
          [-0.2, 1],
          [0, 1],
        ],
        /step 1 column 0 is -0.2/,
      ],
      [[[0.1, 0.9], [0.2], [0, 1]], /expected one \[p0, p1\] pair per step/],
      [{ data: [] }, /expected one \[p0, p1\] pair per step/],
    ];
    for (const [raw, message] of refusals) {
      expect(() => parseStepPairs(raw, pairsContext)).toThrow(message);
      expect(() => parseStepColumn(raw, pairsContext, 1)).toThrow(message);
      expect(() => parseStepColumn(raw, pairsContext, 0)).toThrow(InvalidUpstreamResponseError);
    }
  });
});
