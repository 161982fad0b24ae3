import * as fs from 'node:fs';
import * as path from 'node:path';
import { clearEquivalenceCache, extractAnswer, isEquivalent } from '../../../../src/answer';
import { hasDataFile, readMathRows } from '../benchmark-data';
import type { CorpusOptions } from './corpus-types';
import { EQUIVALENCE_CORPUS } from './equivalence-corpus';
import { EXTRACTION_CASES } from './extraction-cases';

/** Pass counts per behaviour class, plus the failing cases (for reading, not for asserting). */
export interface CorpusResults {
  classes: Record<string, { passed: number; total: number }>;
  failures: string[];
  /** Only when timed (recording): the slowest comparison (fastest of 3, cold caches), in ms. */
  slowestCompare?: { ms: number; gold: string; pred: string };
  /** Only when timed: the first comparison of the process (module warm-up included), in ms. */
  firstCompareMs?: number;
  /** Only when timed: the slowest extraction (fastest of 3; MATH-500 solutions, a long response). */
  slowestExtractMs?: number;
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

/**
 * Runs the corpus with every comparison timed (caches cleared before each, so each is cold).
 * For the record only: timings depend on the machine and are never asserted.
 */
export function runCorpusTimed(): CorpusResults {
  const firstCompareMs = timeMs(() => isEquivalent('x^2+2x+1', '(x+1)^2'));
  let slowest = { ms: 0, gold: '', pred: '' };
  // Each pair three times from cold caches, keeping the fastest: the machine is shared, and a
  // scheduler or GC pause is not the comparison's cost.
  const timed: Compare = (gold, pred, options) => {
    let result = false;
    const runs = [0, 1, 2].map(() => {
      clearEquivalenceCache();
      return timeMs(() => (result = isEquivalent(gold, pred, options)));
    });
    const ms = Math.min(...runs);
    if (ms > slowest.ms) slowest = { ms, gold, pred };
    return result;
  };
  const results = runCorpus(timed);
  const texts = [
    ...(hasDataFile('math500.jsonl')
      ? readMathRows('math500.jsonl').map((row) => row.solution)
      : []),
    longResponse(),
  ];
  const slowestExtractMs = Math.max(
    ...texts.map((text) => Math.min(...[0, 1, 2].map(() => timeMs(() => extractAnswer(text))))),
  );
  return { ...results, slowestCompare: slowest, firstCompareMs, slowestExtractMs };
}

function timeMs(run: () => unknown): number {
  const start = process.hrtime.bigint();
  run();
  return Math.round(Number(process.hrtime.bigint() - start) / 1e3) / 1e3;
}

/** A long reasoning trace: many spans, numbers, answer words and boxes, ~40,000 characters. */
function longResponse(): string {
  const step = (index: number): string =>
    `Step ${index}: the answer so far is $x_{${index}} = \\frac{${index}}{7}$, so 1,${String(index).padStart(3, '0')}.5 ` +
    `and \\boxed{${index}} or $$ ${index}^2 $$ [ ${index} ] answer: ${index} = ${index}.\n\n`;
  return Array.from({ length: 400 }, (_, index) => step(index)).join('');
}
