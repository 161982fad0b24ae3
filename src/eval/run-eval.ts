/**
 * `runEval`: the eval driver behind `tts-proxy eval`. It sends every (arm, budget, problem)
 * request of the grid through a real proxy (one started in-process on a loopback port unless a URL
 * is given), grades each answer, appends it to `results.jsonl` as soon as it returns, and then
 * writes `summary.json` and `report.html` from everything recorded so far.
 *
 * Stopping is cooperative: `stopSignal` stops scheduling and lets in-flight requests finish;
 * `signal` also aborts them (their results are not recorded). Either way the summary and report
 * are written from what exists, and a rerun with the same `outDir` resumes.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { ConfigError } from '../errors';
import { buildReportHtml } from './build-report-html';
import { defaultConfigPath, openProxy, resolveModel } from './open-eval-proxy';
import { z } from 'zod';
import { isArmName, type ArmName, type EvalResult } from './eval-types';
import { loadDataset, openResumeLog } from './harness';
import { createProgressReporter, formatDuration, type ProgressReporter } from './progress-reporter';
import { resultFromWire, resultToWire } from './results-wire';
import { buildTasks, planResume, RESULTS_LOG, type EvalTask } from './resume';
import { sendEvalRequest } from './send-eval-request';
import { summarize, type EvalSummary } from './summarize';
import { summaryToWire } from './summary-wire';

export { defaultConfigPath };

export const RESULTS_FILE = 'results.jsonl';
export const SUMMARY_FILE = 'summary.json';
export const REPORT_FILE = 'report.html';

const previousSummaryWire = z.looseObject({ run: z.looseObject({ started_at: z.string() }) });

/** Defaults of {@link RunEvalOptions}. */
export const EVAL_DEFAULTS = {
  concurrency: 4,
  seed: 0,
  /** Per request; a budget-64 beam search on real GPUs can take minutes. */
  timeoutMs: 900_000,
} as const;

export interface RunEvalOptions {
  /** JSON lines `{problem, answer}` (see `parse-dataset.ts`). */
  datasetPath: string;
  arms: readonly string[];
  /** Budgets N for every arm but `cot` (which runs at 1). */
  budgets: readonly number[];
  /** Output directory; created if missing. */
  outDir: string;
  /** A running proxy's base URL; without it a proxy is started in-process on a loopback port. */
  url?: string;
  /** Config of the in-process proxy; default `config/default.yaml` (simulated upstreams). */
  configPath?: string;
  /** Env of the in-process proxy (for `TTS_PROXY__…` overrides); default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Model name to request; default the proxy's first model. */
  model?: string;
  /** Only the first K problems of the dataset. */
  limit?: number;
  concurrency?: number;
  /** Run seed; each problem's request seed is derived from it (see `requestSeed`). */
  seed?: number;
  timeoutMs?: number;
  /** Bearer key for a proxy with client auth. */
  apiKey?: string;
  /** Stop scheduling new requests; in-flight ones finish and are recorded. */
  stopSignal?: AbortSignal;
  /** Stop and abort in-flight requests (not recorded). */
  signal?: AbortSignal;
  /** Where the progress bar or lines go; none when omitted. */
  progress?: { isTty: boolean; write: (text: string) => void; columns?: number };
  /** Informational messages (resume counts, proxy start). */
  log?: (line: string) => void;
  /** Called after each result is appended to results.jsonl. */
  onResult?: (result: EvalResult) => void;
}

export interface RunEvalResult {
  summary: EvalSummary;
  /** Requests sent and recorded by this call. */
  newRequests: number;
  /** Grid requests skipped because results.jsonl already had them. */
  resumedRequests: number;
  isInterrupted: boolean;
  files: { results: string; summary: string; report: string };
}

function validateGrid(arms: readonly string[], budgets: readonly number[]): ArmName[] {
  if (arms.length === 0) throw new ConfigError('--arms', 'needs at least one arm');
  const valid: ArmName[] = [];
  for (const arm of arms) {
    if (!isArmName(arm))
      throw new ConfigError(
        '--arms',
        `unknown arm '${arm}' (expected cot, majority, best_of_n, beam_search, dvts or auto)`,
      );
    if (!valid.includes(arm)) valid.push(arm);
  }
  if (valid.some((arm) => arm !== 'cot') && budgets.length === 0)
    throw new ConfigError('--budgets', 'needs at least one budget');
  for (const budget of budgets) {
    if (!Number.isInteger(budget) || budget < 1)
      throw new ConfigError('--budgets', `budgets must be positive integers, got ${budget}`);
  }
  return valid;
}

function writeAtomically(file: string, text: string): void {
  const temporary = `${file}.tmp-${process.pid}`;
  writeFileSync(temporary, text);
  renameSync(temporary, file);
}

function earliest(left: string | null, right: string): string {
  return left !== null && left < right ? left : right;
}

/** `run.startedAt` of an earlier summary.json in the same directory, if readable. */
function previousStart(summaryFile: string): string | null {
  if (!existsSync(summaryFile)) return null;
  try {
    const parsed = previousSummaryWire.safeParse(JSON.parse(readFileSync(summaryFile, 'utf8')));
    return parsed.success ? parsed.data.run.started_at : null;
  } catch {
    return null;
  }
}

function latestFinish(results: readonly EvalResult[]): string | null {
  let latest: string | null = null;
  for (const result of results)
    if (latest === null || result.finishedAt > latest) latest = result.finishedAt;
  return latest;
}

interface PoolOptions {
  tasks: readonly EvalTask[];
  concurrency: number;
  isStopping: () => boolean;
  run: (task: EvalTask) => Promise<EvalResult | null>;
  record: (result: EvalResult) => void;
}

/** `concurrency` workers take tasks in order until none are left or the run is stopping. */
async function runPool(options: PoolOptions): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (!options.isStopping()) {
      const task = options.tasks[next++];
      if (task === undefined) return;
      const result = await options.run(task);
      if (result === null) return;
      options.record(result);
    }
  };
  await Promise.all(
    Array.from(
      { length: Math.max(1, Math.min(options.concurrency, options.tasks.length)) },
      worker,
    ),
  );
}

/**
 * Runs (or resumes) an eval and writes its three files.
 * @throws ConfigError for bad options, an unreadable or invalid dataset, or results from a
 * different run in `outDir`.
 */
export async function runEval(options: RunEvalOptions): Promise<RunEvalResult> {
  const arms = validateGrid(options.arms, options.budgets);
  const concurrency = options.concurrency ?? EVAL_DEFAULTS.concurrency;
  const seed = options.seed ?? EVAL_DEFAULTS.seed;
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new ConfigError('--concurrency', `must be a positive integer, got ${concurrency}`);
  if (!Number.isInteger(seed)) throw new ConfigError('--seed', `must be an integer, got ${seed}`);
  if (options.limit !== undefined && (!Number.isInteger(options.limit) || options.limit < 1))
    throw new ConfigError('--limit', `must be a positive integer, got ${options.limit}`);
  const { problems } = loadDataset(options.datasetPath, {
    ...(options.limit !== undefined ? { limit: options.limit } : {}),
  });

  mkdirSync(options.outDir, { recursive: true });
  const files = {
    results: path.join(options.outDir, RESULTS_FILE),
    summary: path.join(options.outDir, SUMMARY_FILE),
    report: path.join(options.outDir, REPORT_FILE),
  };
  const resultsLog = openResumeLog(files.results, RESULTS_LOG);
  const previous = resultsLog.entries.map(resultFromWire);
  if (resultsLog.badLines.length > 0)
    options.log?.(
      `ignoring ${resultsLog.badLines.length} unreadable line(s) of ${files.results} (line ${resultsLog.badLines.join(', ')})`,
    );

  // The proxy rejects these (400, recorded per request); say so up front. M is 4 unless configured otherwise.
  for (const arm of arms.filter((name) => name === 'beam_search' || name === 'dvts')) {
    const odd = options.budgets.filter((budget) => budget % 4 !== 0);
    if (odd.length > 0)
      options.log?.(
        `warning: ${arm} needs budgets that are multiples of the beam width (M=4 by default); ${odd.join(', ')} will likely be rejected`,
      );
  }
  // The run's first start survives resumes (kept in summary.json); its last finish is the latest
  // recorded result, so a resume with nothing left to do changes neither.
  const startedAt = earliest(previousStart(files.summary), new Date().toISOString());
  const proxy = await openProxy(options, arms);
  try {
    const model =
      options.model ?? proxy.defaultModel ?? (await resolveModel(proxy.url, options.apiKey));
    const tasks = buildTasks(problems, arms, options.budgets, seed);
    const plan = planResume(tasks, previous, model);
    if (plan.doneCount > 0)
      options.log?.(
        `resuming: ${plan.doneCount} of ${tasks.length} requests already in ${files.results}, ${plan.pending.length} to go`,
      );

    const latest = new Map(previous.map((result) => [result.key, result]));
    const progress: ProgressReporter | null = options.progress
      ? createProgressReporter({
          total: plan.pending.length,
          isTty: options.progress.isTty,
          write: options.progress.write,
          now: () => performance.now(),
          ...(options.progress.columns !== undefined ? { columns: options.progress.columns } : {}),
        })
      : null;
    const abortSignal = options.signal ?? new AbortController().signal;
    const isStopping = (): boolean => abortSignal.aborted || options.stopSignal?.aborted === true;
    let newRequests = 0;
    const runStarted = performance.now();
    await runPool({
      tasks: plan.pending,
      concurrency,
      isStopping,
      run: async (task) => {
        try {
          return await sendEvalRequest({
            url: proxy.urlFor(task.arm),
            model,
            task,
            signal: abortSignal,
            timeoutMs: options.timeoutMs ?? EVAL_DEFAULTS.timeoutMs,
            ...(options.apiKey !== undefined ? { apiKey: options.apiKey } : {}),
            now: () => performance.now(),
            timestamp: () => new Date().toISOString(),
          });
        } catch (error) {
          if (abortSignal.aborted) return null;
          throw error;
        }
      },
      record: (result) => {
        resultsLog.append(resultToWire(result));
        latest.set(result.key, result);
        newRequests++;
        progress?.advance(result.error !== null);
        options.onResult?.(result);
      },
    });
    const isInterrupted = newRequests < plan.pending.length;
    progress?.finish(
      `${isInterrupted ? 'stopped' : 'done'}: ${newRequests} request(s) in ${formatDuration(performance.now() - runStarted)}` +
        (isInterrupted
          ? `; ${plan.pending.length - newRequests} left, rerun with the same --out to resume`
          : ''),
    );

    const summary = summarize({
      run: {
        dataset: options.datasetPath,
        model,
        target: proxy.target,
        seed,
        concurrency,
        startedAt,
        finishedAt: latestFinish([...latest.values()]) ?? new Date().toISOString(),
        isArmIsolated: proxy.isArmIsolated,
        isInterrupted,
      },
      problems,
      arms,
      budgets: options.budgets,
      results: [...latest.values()],
    });
    writeAtomically(files.summary, JSON.stringify(summaryToWire(summary), null, 2) + '\n');
    writeAtomically(files.report, buildReportHtml(summary));
    return { summary, newRequests, resumedRequests: plan.doneCount, isInterrupted, files };
  } finally {
    await proxy.close();
  }
}
