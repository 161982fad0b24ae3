/**
 * Resuming an interrupted eval: which requests of the grid are already in `results.jsonl` (a
 * resume log, harness/resume-log.ts, keyed by arm, budget and problem). A key counts as done when
 * its latest line has no error; failed requests are retried on the next run (upstream errors are
 * usually transient), and the retry's line supersedes the old one.
 */
import { ConfigError } from '../errors';
import { hashString } from '../util';
import { resultKey, type ArmName, type EvalProblem, type EvalResult } from './eval-types';
import { readResumeLog, type ResumeLogSpec } from './harness';
import { resultFromWire, resultLineWire, type ResultLineWire } from './results-wire';

/** `results.jsonl` as a resume log: one result line per request, keyed by `arm|budget|problem`. */
export const RESULTS_LOG: ResumeLogSpec<ResultLineWire, never> = {
  entry: resultLineWire,
  keyOf: (line) => line.key,
};

/** One request of the grid. */
export interface EvalTask {
  key: string;
  arm: ArmName;
  budget: number;
  problem: EvalProblem;
  seed: number;
}

/**
 * The `seed` sent for a problem: derived from the run seed and the problem id, so problems are
 * independent draws while every arm sees the same seed for the same problem, and a rerun sends
 * exactly the same requests. Kept below 2^31 for upstreams that want a signed 32-bit seed.
 */
export function requestSeed(runSeed: number, problemId: string): number {
  return hashString(`${runSeed}:${problemId}`) & 0x7fffffff;
}

/**
 * The grid in problem-major order (every arm and budget of problem 1, then problem 2, …), so an
 * interrupted run still has paired results for the comparison with CoT. `cot` runs once, at
 * budget 1, whatever the budgets.
 */
export function buildTasks(
  problems: readonly EvalProblem[],
  arms: readonly ArmName[],
  budgets: readonly number[],
  runSeed: number,
): EvalTask[] {
  const tasks: EvalTask[] = [];
  for (const problem of problems) {
    const seed = requestSeed(runSeed, problem.id);
    for (const arm of arms) {
      for (const budget of arm === 'cot' ? [1] : budgets) {
        tasks.push({ key: resultKey(arm, budget, problem.id), arm, budget, problem, seed });
      }
    }
  }
  return tasks;
}

export interface ReadResultsResult {
  /** The latest result of each key, in file order of their last occurrence. */
  results: EvalResult[];
  /** 1-based numbers of lines that did not parse (a torn last line after a crash, typically). */
  badLines: number[];
  /** False when the file's last line is unterminated: write a newline before appending. */
  endsWithNewline: boolean;
}

/** Parses the text of a `results.jsonl`; never throws on a bad line. */
export function readResults(text: string): ReadResultsResult {
  const log = readResumeLog(text, RESULTS_LOG);
  return {
    results: log.entries.map(resultFromWire),
    badLines: log.badLines,
    endsWithNewline: log.endsWithNewline,
  };
}

export interface ResumePlan {
  /** Tasks still to run. */
  pending: EvalTask[];
  /** Tasks skipped because a successful result exists. */
  doneCount: number;
}

/**
 * Splits the grid into done and pending tasks.
 * @throws ConfigError when existing results were made with another dataset, model or seed: mixing them
 * would silently compare different runs, so the user must pick another `--out`.
 */
export function planResume(
  tasks: readonly EvalTask[],
  existing: readonly EvalResult[],
  model: string,
): ResumePlan {
  const byKey = new Map(existing.map((result) => [result.key, result]));
  const pending: EvalTask[] = [];
  let doneCount = 0;
  for (const task of tasks) {
    const previous = byKey.get(task.key);
    if (previous !== undefined && previous.gold !== task.problem.answer) {
      throw new ConfigError(
        '--out',
        `results.jsonl already holds '${task.key}' with gold answer ${JSON.stringify(previous.gold)}, but the dataset says ${JSON.stringify(task.problem.answer)}: ` +
          'it comes from another dataset. Use another --out directory.',
      );
    }
    if (previous !== undefined && (previous.model !== model || previous.seed !== task.seed)) {
      throw new ConfigError(
        '--out',
        `results.jsonl already holds '${task.key}' from another run (model '${previous.model}', seed ${previous.seed}; this run: model '${model}', seed ${task.seed}). ` +
          'Use the same --model and --seed to resume, or another --out directory.',
      );
    }
    if (previous !== undefined && previous.error === null) doneCount++;
    else pending.push(task);
  }
  return { pending, doneCount };
}
