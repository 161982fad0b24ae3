import { EQUIVALENCE_CORPUS } from './equivalence-corpus';
import { EXTRACTION_CASES } from './extraction-cases';
import { defaultCompare, runCorpus, writeResults } from './run-corpus';

/**
 * The corpus of issue 14. `RECORD_CORPUS=<name> npx jest test/unit/answer/corpus` writes the
 * per-class results to `results-<name>.json` (how the before/after numbers were produced).
 */
describe('answer corpus', () => {
  const results = runCorpus(defaultCompare);
  const name = process.env.RECORD_CORPUS;
  if (name !== undefined && name !== '') writeResults(name, results);

  it('has hundreds of cases of our own', () => {
    expect(EXTRACTION_CASES.length + EQUIVALENCE_CORPUS.length).toBeGreaterThanOrEqual(250);
  });

  it('runs every case to a verdict', () => {
    const total = Object.values(results.classes).reduce((sum, entry) => sum + entry.total, 0);
    expect(total).toBeGreaterThanOrEqual(EXTRACTION_CASES.length + EQUIVALENCE_CORPUS.length);
  });
});
