import { clearEquivalenceCache } from '../../../../src/answer';
import { EQUIVALENCE_CORPUS } from './equivalence-corpus';
import { EXTRACTION_CASES } from './extraction-cases';
import { defaultCompare, readResults, runCorpus, runCorpusTimed, writeResults } from './run-corpus';

/**
 * The corpus of issue 14 (docs/answers.md, "Corpus"). `RECORD_CORPUS=<name> npx jest
 * test/unit/answer/corpus` writes the per-class results, with the slowest comparison timed, to
 * `results-<name>.json`: `results-before.json` was recorded with the answer layer before issue 14,
 * `results-after.json` with this one.
 */
describe('answer corpus', () => {
  const name = process.env.RECORD_CORPUS;
  const isRecording = name !== undefined && name !== '';
  clearEquivalenceCache();
  const results = isRecording ? runCorpusTimed() : runCorpus(defaultCompare);
  if (isRecording) writeResults(name, results);

  it('has hundreds of cases of our own', () => {
    expect(EXTRACTION_CASES.length + EQUIVALENCE_CORPUS.length).toBeGreaterThanOrEqual(250);
  });

  it('passes every case of every behaviour class', () => {
    expect(results.failures).toEqual([]);
  });

  it('passes at least as many cases in every class as before issue 14', () => {
    const before = readResults('before');
    expect(before).not.toBeNull();
    for (const [group, counts] of Object.entries(before?.classes ?? {})) {
      expect(results.classes[group]?.passed ?? 0).toBeGreaterThanOrEqual(counts.passed);
    }
  });

  it('gives the same verdicts on a second run with cold caches', () => {
    clearEquivalenceCache();
    expect(runCorpus(defaultCompare)).toEqual({
      classes: results.classes,
      failures: results.failures,
    });
  });
});
