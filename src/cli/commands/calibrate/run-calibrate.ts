/**
 * `tts-proxy calibrate`: measure every method at every budget on a labelled dev set, fit the
 * strategy table (probe thresholds + best method per bin and budget, 2-fold CV) and write it.
 *
 * It starts the real proxy in-process on port 0 against the configured upstreams (the simulator in
 * the default config) and sends plain OpenAI requests with `tts_budget: {n, strategy}` and
 * `tts_return_candidates: true`, so every answer and step score is measured exactly as served.
 * Finished (problem, method, budget) requests are appended to `<out>.progress.jsonl`; a rerun
 * skips them (resume after an interrupt, or add budgets later). The file's header pins what the
 * records depend on besides their key (model, seed, the dataset's content, the serving config),
 * so a rerun against anything else is refused instead of mixing measurements. A failed append
 * stops the run at once: a request whose record was not written would silently be lost to resume.
 * Requests run with bounded concurrency; a progress line with an ETA goes to stderr.
 */
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import pino from 'pino';
import { ConfigError, TtsError } from '../../../errors';
import { startServer } from '../../../app';
import { loadDataset } from '../../../eval';
import { getPrmFamily } from '../../../prm';
import {
  parseStrategyTable,
  stringifyStrategyTable,
  type StrategyTable,
  type TableMethod,
} from '../../../select';
import {
  buildCalibrationProblems,
  calibrationRecordKey,
  fitCalibration,
  type CalibrationFit,
} from '../../../calibrate';
import { configFingerprint } from './config-fingerprint';
import { createProgress, type ProgressSink } from './create-progress';
import type { RequestContext } from './measure';
import { planJobs } from './plan-jobs';
import { readProgress, type ProgressHeader } from './read-progress';
import { REPO_CONFIG_DIR } from './repo-config-dir';
import { runJobs } from './run-jobs';
import { tableHeaderLines } from './table-header-lines';
import { writeStrategyTable } from './write-strategy-table';

export interface CalibrateOptions {
  /** JSON lines `{problem, answer}` (MATH-500's `problem`/`answer`/`unique_id` accepted; `question` too). */
  datasetPath: string;
  budgets: number[];
  outPath: string;
  configPath: string;
  /** Client-facing model name; default the config's first model. */
  model?: string;
  /** Use only the first K problems. */
  limit?: number;
  /** Requests in flight at once (default 4). */
  concurrency?: number;
  /** Seeds the per-request seeds and the CV fold split (default 1234). */
  seed?: number;
  /**
   * Methods to measure (default: all the model can run). Majority is always measured (Pass@1),
   * and so is best_of_n with a PRM (the probe of each budget is read from its run).
   */
  methods?: TableMethod[];
  /** Table whose size classes, PRM classes and probe settings the result keeps (default config/strategy.yaml). */
  baseTablePath?: string;
  env?: NodeJS.ProcessEnv;
  /** Where the progress line and the summary go (default stderr). */
  progress?: ProgressSink;
  /** Date written into the table (default today, YYYY-MM-DD). */
  date?: string;
  /** Per-request timeout (default 15 min). */
  requestTimeoutMs?: number;
  /** Clock for the ETA (ms). */
  now?: () => number;
}

export interface CalibrateResult {
  outPath: string;
  progressPath: string;
  table: StrategyTable;
  fit: CalibrationFit;
  yaml: string;
  requests: { total: number; resumed: number; sent: number; failed: number };
  failures: string[];
  skipped: { problemId: string; reason: string }[];
}

export async function runCalibrate(options: CalibrateOptions): Promise<CalibrateResult> {
  const budgets = [...new Set(options.budgets)].sort((a, b) => a - b);
  if (budgets.length === 0 || budgets.some((b) => !Number.isInteger(b) || b < 2)) {
    throw new ConfigError('--budgets', 'expects integers ≥ 2, e.g. 4,16,64');
  }
  const concurrency = options.concurrency ?? 4;
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new ConfigError('--concurrency', 'expects a positive integer');
  const seed = options.seed ?? 1234;
  const sink = options.progress ?? process.stderr;
  const now = options.now ?? (() => performance.now());
  const date = options.date ?? new Date().toISOString().slice(0, 10);
  const env = options.env ?? process.env;

  const { problems: dataset, sha256: datasetSha256 } = loadDataset(options.datasetPath, {
    ...(options.limit !== undefined ? { limit: options.limit } : {}),
  });
  const basePath = options.baseTablePath ?? path.join(REPO_CONFIG_DIR, 'strategy.yaml');
  const baseTable = parseStrategyTable(await readFile(basePath, 'utf8'), basePath);

  const server = await startServer({
    configPath: options.configPath,
    env,
    logger: pino({ level: 'silent' }),
    port: 0,
    host: '127.0.0.1',
  });
  try {
    const { config } = server;
    const model =
      options.model === undefined
        ? config.models[0]
        : config.models.find((m) => m.name === options.model);
    if (!model)
      throw new ConfigError(
        '--model',
        `no model '${options.model ?? ''}' in ${options.configPath} (known: ${config.models.map((m) => m.name).join(', ')})`,
      );
    const prm =
      model.prm === undefined ? null : (config.prms.find((p) => p.name === model.prm) ?? null);
    const m = config.tts.default_m;
    const tooLarge = budgets.find((b) => b > config.tts.max_budget);
    if (tooLarge !== undefined)
      throw new ConfigError(
        '--budgets',
        `${tooLarge} is above the server's tts.max_budget of ${config.tts.max_budget}`,
      );

    const { methods, jobs, notes } = planJobs(dataset, {
      budgets,
      methods: options.methods,
      hasPrm: prm !== null,
      m,
    });

    const progressPath = `${options.outPath}.progress.jsonl`;
    await mkdir(path.dirname(path.resolve(progressPath)), { recursive: true });
    const jobKeys = new Set(
      jobs.map((job) =>
        calibrationRecordKey({ problemId: job.problem.id, method: job.method, budget: job.budget }),
      ),
    );
    const header: ProgressHeader = {
      model: model.name,
      dataset: path.resolve(options.datasetPath),
      datasetSha256,
      seed,
      config: configFingerprint(config, model, prm, baseTable.probe.maxSamples),
    };
    const progressLog = readProgress(progressPath, header);
    const previous = progressLog.records.filter((r) => jobKeys.has(calibrationRecordKey(r)));
    const done = new Map(previous.map((r) => [calibrationRecordKey(r), r]));
    const pending = jobs.filter(
      (job) =>
        !done.has(
          calibrationRecordKey({
            problemId: job.problem.id,
            method: job.method,
            budget: job.budget,
          }),
        ),
    );

    const apiKeyEnv = config.server.api_key_envs.find((name) => (env[name] ?? '') !== '');
    const context: RequestContext = {
      url: server.url,
      model: model.name,
      apiKey: apiKeyEnv === undefined ? undefined : env[apiKeyEnv],
      seed,
      probeSamples: baseTable.probe.maxSamples,
      timeoutMs: options.requestTimeoutMs ?? 900_000,
    };
    const progress = createProgress(sink, jobs.length, jobs.length - pending.length, now);
    const failures = await runJobs(pending, {
      context,
      concurrency,
      progressPath,
      append: progressLog.append,
      progress,
      onRecord: (record) => done.set(calibrationRecordKey(record), record),
    });
    progress.done();

    const { problems, skipped } = buildCalibrationProblems([...done.values()], {
      hasPrm: prm !== null,
    });
    if (problems.length === 0) {
      throw new TtsError(
        `no problem has the measurements a fit needs (${failures.length} request(s) failed${failures[0] ? `, e.g. ${failures[0]}` : ''})`,
      );
    }
    const family = prm ? getPrmFamily(prm.family) : null;
    const fit = fitCalibration(problems, {
      base: {
        name: `calibrated-${model.name}`,
        sizeClasses: baseTable.sizeClasses,
        prmClasses: baseTable.prmClasses,
        probe: baseTable.probe,
        unknownDifficulty: baseTable.unknownDifficulty,
      },
      rowSettings: {
        m,
        aggregation: prm?.aggregation ?? family?.defaults.aggregation ?? 'last',
        vote: prm?.vote ?? family?.defaults.vote ?? 'majority',
      },
      about: {
        dataset: path.basename(options.datasetPath),
        date,
        model: model.name,
        prm: prm?.name ?? null,
      },
      seed,
    });
    const isSimulated = config.upstreams[model.upstream]?.url === 'sim';
    const headerLines = tableHeaderLines({
      date,
      model,
      isSimulated,
      prm,
      datasetPath: options.datasetPath,
      fit,
      skippedProblems: skipped.length,
      budgets,
      methods,
      seed,
      notes,
    });
    const yaml = stringifyStrategyTable(fit.table, headerLines);
    await writeStrategyTable(yaml, options.outPath);
    // The summary leaves out tableHeaderLines' first three lines (date, model, dataset).
    sink.write(
      `${headerLines.slice(3).join('\n')}\nwrote ${options.outPath}${failures.length > 0 ? ` (${failures.length} request(s) failed; rerun to retry them)` : ''}\n`,
    );
    return {
      outPath: options.outPath,
      progressPath,
      table: fit.table,
      fit,
      yaml,
      requests: {
        total: jobs.length,
        resumed: jobs.length - pending.length,
        sent: pending.length,
        failed: failures.length,
      },
      failures,
      skipped,
    };
  } finally {
    await server.close();
  }
}
