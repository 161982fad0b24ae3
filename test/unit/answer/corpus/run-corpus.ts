import * as fs from 'node:fs';
import * as path from 'node:path';
import { extractAnswer, isEquivalent } from '../../../../src/answer';
import { hasDataFile, readMathRows } from '../benchmark-data';
import type { CorpusOptions } from './corpus-types';
import { EQUIVALENCE_CORPUS } from './equivalence-corpus';
import { EXTRACTION_CASES } from './extraction-cases';

/** Pass counts per behaviour class, plus the failing cases (for reading, not for asserting). */
export interface CorpusResults {
  classes: Record<string, { passed: number; total: number }>;
  failures: string[];
}

type Compare = (gold: string, pred: string, options: CorpusOptions) => boolean;

/**
 * Runs the whole corpus with the answer layer as it is. `compare` is the equivalence under test
 * (gold first); extraction cases pass when the extracted answer is equivalent to the expected one
 * (or both are null). MATH-500 reference answers count as two classes when the data file exists:
 * each reference answer must match itself, and the answer extracted from its solution must match it.
 */
export function runCorpus(compare: Compare): CorpusResults {
  const classes: CorpusResults['classes'] = {};
  const failures: string[] = [];
  const record = (group: string, passed: boolean, label: string): void => {
    const entry = (classes[group] ??= { passed: 0, total: 0 });
    entry.total += 1;
    if (passed) entry.passed += 1;
    else failures.push(`[${group}] ${label}`);
  };
  for (const { group, text, expected } of EXTRACTION_CASES) {
    const extracted = safely(() => extractAnswer(text));
    const passed =
      expected === null
        ? extracted === null
        : extracted !== null && safely(() => compare(expected, extracted, {})) === true;
    record(group, passed, `${JSON.stringify(text)} → ${JSON.stringify(extracted)}`);
  }
  for (const { group, gold, pred, expected, options = {} } of EQUIVALENCE_CORPUS) {
    const verdict = safely(() => compare(gold, pred, options));
    record(group, verdict === expected, `${gold} vs ${pred} ${JSON.stringify(options)}`);
  }
  if (hasDataFile('math500.jsonl')) {
    for (const row of readMathRows('math500.jsonl')) {
      record(
        'math500-self-match',
        safely(() => compare(row.answer, row.answer, {})) === true,
        row.id,
      );
      const extracted = safely(() => extractAnswer(row.solution));
      const matches =
        extracted !== null && safely(() => compare(row.answer, extracted, {})) === true;
      record('math500-extraction', matches, `${row.id} → ${String(extracted)}`);
    }
  }
  return { classes, failures };
}

function safely<T>(run: () => T): T | null {
  try {
    return run();
  } catch {
    return null;
  }
}

export const RESULTS_DIRECTORY = __dirname;

/** Writes `results-<name>.json` next to this file (used only when RECORD_CORPUS is set). */
export function writeResults(name: string, results: CorpusResults): void {
  const file = path.join(RESULTS_DIRECTORY, `results-${name}.json`);
  fs.writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
}

export function readResults(name: string): CorpusResults | null {
  const file = path.join(RESULTS_DIRECTORY, `results-${name}.json`);
  if (!fs.existsSync(file)) return null;
  return JSON.parse(fs.readFileSync(file, 'utf8')) as CorpusResults;
}

export const defaultCompare: Compare = (gold, pred, options) => isEquivalent(gold, pred, options);
