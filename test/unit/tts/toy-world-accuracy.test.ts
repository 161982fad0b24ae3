/**
 * End-to-end sanity in the toy world: with a verifier that sees step correctness, test-time
 * scaling at N=16 must beat a single greedy CoT sample, as the paper's Table 5 shows for weak
 * policies. Deterministic: fixed problems and seeds.
 */
import { beamSearch } from '../../../src/tts/beam-search';
import { bestOfN } from '../../../src/tts/best-of-n';
import { cot } from '../../../src/tts/cot';
import { dvts } from '../../../src/tts/dvts';
import type { Candidate, SearchMethod } from '../../../src/tts/search-types';
import { selectAnswer } from '../../../src/tts/select-answer';
import { createToyProblems, noiseScorer, runMethod, type StepScorer } from './fakes';

const PROBLEMS = createToyProblems(60, 2025);

/** The pipeline's choice: PRM-Last-Max when scored, majority otherwise (CoT has one candidate). */
function pickAnswer(candidates: readonly Candidate[]): number | null {
  const { answer } = selectAnswer(candidates, { aggregation: 'last', vote: 'prm_max' });
  return answer === null ? null : Number(answer);
}

async function accuracy(method: SearchMethod, scorer?: StepScorer): Promise<number> {
  let correct = 0;
  for (const [i, problem] of PROBLEMS.entries()) {
    const { result } = await runMethod(method, {
      problem,
      options: { n: 16, m: 4 },
      randomSeed: 1000 + i,
      ...(scorer ? { scorer } : {}),
    });
    if (pickAnswer(result.candidates) === problem.answer) correct += 1;
  }
  return correct / PROBLEMS.length;
}

describe('toy world accuracy (N=16, M=4)', () => {
  it('beam search, DVTS and Best-of-N with a good verifier beat a single CoT sample', async () => {
    const cotAccuracy = await accuracy(cot);
    const bonAccuracy = await accuracy(bestOfN);
    const beamAccuracy = await accuracy(beamSearch);
    const dvtsAccuracy = await accuracy(dvts);
    expect(cotAccuracy).toBeLessThan(0.7);
    expect(bonAccuracy).toBeGreaterThan(cotAccuracy + 0.2);
    expect(beamAccuracy).toBeGreaterThan(cotAccuracy + 0.2);
    expect(dvtsAccuracy).toBeGreaterThan(cotAccuracy + 0.2);
    // Step-wise guidance prunes bad steps early, so it needs no luck on whole samples.
    expect(beamAccuracy).toBeGreaterThanOrEqual(bonAccuracy);
  });

  it('beam search loses its edge when the verifier knows nothing (the gain comes from the PRM)', async () => {
    const guided = await accuracy(beamSearch);
    const blind = await accuracy(beamSearch, noiseScorer);
    expect(blind).toBeLessThan(guided);
  });
});
