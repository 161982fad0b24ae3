/**
 * The simulator reads each PRM family's wire format on its own (it never imports src/prm), so the
 * golden fixtures in test/fixtures/prm/ are where the two readings meet. Every fixture, every
 * family: the exact input the fixture records, sent to the simulated PRM the way our backend sends
 * it (tokenized on the simulator, placeholder ids swapped, on the family's route), must come back
 * in the recorded response's shape, and the family's own reader must read one score per step
 * from it, as it does from the recorded output.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  createMathShepherdFamily,
  getPrmFamily,
  preparePrmTokens,
  PRM_FAMILY_NAMES,
  type PrmFamily as PrmFamilyContract,
  type PrmInput,
} from '../../../src/prm';
import { startSimulator, type PrmFamily } from '../../../src/sim';
import { at, list, postJson } from './sim-test-helpers';

interface PoolingFixture {
  family: PrmFamily;
  steps: string[];
  rendered: PrmInput;
  response: unknown;
  rawPath: (string | number)[];
  tokenIds: { sent: number[]; scorePositions: number[] } | null;
}

const FIXTURE_DIR = path.join(__dirname, '..', '..', 'fixtures', 'prm');
const ALL_FIXTURES = readdirSync(FIXTURE_DIR)
  .filter((name) => name.endsWith('.json'))
  .map((name) => name.slice(0, -'.json'.length))
  .sort();

function readFixture(name: string): PoolingFixture {
  const file = path.join(FIXTURE_DIR, `${name}.json`);
  return JSON.parse(readFileSync(file, 'utf8')) as PoolingFixture;
}

/** The family as the fixture's readout uses it (Math-Shepherd is read two ways). */
function familyOf(fixture: PoolingFixture): PrmFamilyContract {
  const isPromptLogprobs = fixture.rawPath[0] === 'choices';
  if (fixture.family === 'math-shepherd' && isPromptLogprobs)
    return createMathShepherdFamily({ readout: 'prompt-logprobs' });
  return getPrmFamily(fixture.family);
}

/** Send the fixture's input to the simulator as the backend would, and read it with the family. */
async function scoreOnSimulator(
  url: string,
  model: string,
  fixture: PoolingFixture,
  family: PrmFamilyContract,
): Promise<{ raw: unknown; sentIds: number[] | null; scores: number[] }> {
  const input = fixture.rendered;
  const needsIds = family.readout.kind === 'prompt-logprobs' || input.tokenSwaps.length > 0;
  const needsPositions =
    family.readout.kind === 'prompt-logprobs' || family.readout.kind === 'pooling-token-values';
  let sentIds: number[] | null = null;
  let scorePositions: number[] | undefined;
  if (needsIds || needsPositions) {
    const tokenized = await postJson(`${url}/tokenize`, {
      model,
      prompt: input.text,
      add_special_tokens: input.addSpecialTokens,
    });
    expect(tokenized.status).toBe(200);
    const prepared = preparePrmTokens(family, input, list(tokenized.body, 'tokens') as number[], {
      maxTokens: 1_000_000,
      upstream: 'sim',
    });
    sentIds = prepared.ids;
    scorePositions = prepared.scorePositions;
  }
  const prompt = sentIds ?? input.text;
  const response =
    family.readout.kind === 'prompt-logprobs'
      ? await postJson(`${url}/v1/completions`, {
          model,
          prompt,
          max_tokens: 1,
          prompt_logprobs: 20,
          add_special_tokens: input.addSpecialTokens,
        })
      : await postJson(`${url}/pooling`, {
          model,
          input: prompt,
          add_special_tokens: input.addSpecialTokens,
        });
  expect(response.status).toBe(200);
  // The simulator answers /pooling for outcome scorers too (a recorded /classify reads alike).
  const rawPath =
    family.readout.kind === 'prompt-logprobs'
      ? ['choices', 0, 'prompt_logprobs']
      : ['data', 0, 'data'];
  const raw = at(response.body, ...rawPath);
  const scores = family.readScores(raw, {
    stepCount: input.stepCount,
    ...(sentIds ? { tokenIds: sentIds } : {}),
    ...(scorePositions ? { scorePositions } : {}),
    upstream: 'sim',
  });
  return { raw, sentIds, scores };
}

// Fixtures whose recorded output is a vLLM /pooling response to the rendered text.
const POOLING_TEXT_FIXTURES = ['qwen2.5-math-prm', 'math-shepherd'];

describe('simulated PRM against the golden fixtures', () => {
  it.each(POOLING_TEXT_FIXTURES)(
    '%s: one score entry per step, shaped as recorded',
    async (name) => {
      const fixture = readFixture(name);
      const sim = await startSimulator({
        role: 'prm',
        seed: 5,
        model: { servedName: `sim-${name}`, paramsB: 7, family: fixture.family, quality: 0.9 },
      });
      try {
        const response = await postJson(`${sim.url}/pooling`, {
          model: `sim-${name}`,
          input: fixture.rendered.text,
          add_special_tokens: false,
        });
        expect(response.status).toBe(200);
        const recorded = list(fixture.response, ...fixture.rawPath);
        const simulated = list(response.body, ...fixture.rawPath);
        expect(recorded).toHaveLength(fixture.steps.length);
        expect(simulated).toHaveLength(recorded.length);
        simulated.forEach((entry, index) =>
          expect(list(entry)).toHaveLength(list(recorded[index]).length),
        );
      } finally {
        await sim.close();
      }
    },
  );
});

describe('every PRM fixture, read by the simulator as our family writes it', () => {
  it('covers every family', () => {
    const families = new Set(ALL_FIXTURES.map((name) => readFixture(name).family));
    expect([...families].sort()).toEqual([...PRM_FAMILY_NAMES].sort());
  });

  it.each(ALL_FIXTURES)(
    '%s: the family reads one score per step from the simulated answer',
    async (name) => {
      const fixture = readFixture(name);
      const family = familyOf(fixture);
      const model = `sim-${name}`;
      const sim = await startSimulator({
        role: 'prm',
        seed: 5,
        model: { servedName: model, paramsB: 7, family: fixture.family, quality: 0.9 },
      });
      try {
        const { raw, sentIds, scores } = await scoreOnSimulator(sim.url, model, fixture, family);
        // What the family reads from the recorded output, it reads from the simulator's.
        const recordedScores = family.readScores(at(fixture.response, ...fixture.rawPath), {
          stepCount: fixture.rendered.stepCount,
          ...(fixture.tokenIds
            ? { tokenIds: fixture.tokenIds.sent, scorePositions: fixture.tokenIds.scorePositions }
            : {}),
          upstream: 'fixture',
        });
        expect(scores).toHaveLength(recordedScores.length);
        for (const score of scores) {
          expect(score).toBeGreaterThanOrEqual(0);
          expect(score).toBeLessThanOrEqual(1);
        }
        // Readouts over token ids (prompt logprobs, per-token values): one entry per token sent,
        // in the recording and in the simulated answer alike.
        const entriesPerToken = (entries: unknown[], sent: readonly number[] | null): boolean =>
          sent === null || family.readout.kind === 'pooling-step-pairs'
            ? true
            : entries.length === sent.length;
        expect(
          entriesPerToken(
            list(fixture.response, ...fixture.rawPath),
            fixture.tokenIds?.sent ?? null,
          ),
        ).toBe(true);
        expect(entriesPerToken(list(raw), sentIds)).toBe(true);
      } finally {
        await sim.close();
      }
    },
  );
});
