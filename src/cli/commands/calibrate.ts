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
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { appendFile, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import pino from 'pino';
import { request } from 'undici';
import { z } from 'zod';
import { isEquivalent } from '../../answer';
import { ConfigError, TtsError } from '../../errors';
import { startServer } from '../../main';
import { getPrmFamily } from '../../prm';
import {
  buildCalibrationProblems,
  calibrationRecordKey,
  calibrationRecordSchema,
  fitCalibration,
  parseStrategyTable,
  stringifyStrategyTable,
  TABLE_METHODS,
  type CalibrationFit,
  type CalibrationRecord,
  type StrategyTable,
  type TableMethod,
} from '../../select';
import type { Config, ModelConfig, PrmConfig } from '../../config';
import { hashString } from '../../util';
import { numberFlag, stringFlag, type ParsedArgs } from '../args';

export interface ProgressSink {
  write(text: string): unknown;
  isTTY?: boolean;
}

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

const REPO_CONFIG_DIR = path.resolve(__dirname, '..', '..', '..', 'config');

// The request and response fields we use (loose: the proxy adds more).
const datasetLineSchema = z.looseObject({
  problem: z.string().min(1).optional(),
  question: z.string().min(1).optional(),
  answer: z.union([z.string(), z.number()]),
  unique_id: z.string().min(1).optional(),
  id: z.union([z.string().min(1), z.number()]).optional(),
});

const completionSchema = z.looseObject({
  tts: z.looseObject({
    selected_answer: z.string().nullable(),
    policy_completion_tokens: z.number(),
    prm_tokens: z.number(),
    candidate_details: z.array(
      z.looseObject({ answer: z.string().nullable(), step_scores: z.array(z.number()).nullable() }),
    ),
  }),
});

/**
 * What a progress file's records depend on besides their (problem, method, budget) key: budgets
 * and methods may change between runs (the records are keyed by them), nothing else may.
 */
const progressHeaderSchema = z.strictObject({
  kind: z.literal('header'),
  model: z.string(),
  /** Where the dataset was read from: for messages only, the content is what must match. */
  dataset: z.string(),
  datasetSha256: z.string(),
  seed: z.number(),
  /** The serving settings the measurements depend on, by config path (see `configFingerprint`). */
  config: z.record(z.string(), z.union([z.string(), z.number(), z.null()])),
});

type ProgressHeader = Omit<z.infer<typeof progressHeaderSchema>, 'kind'>;

const progressLineSchema = z.discriminatedUnion('kind', [
  progressHeaderSchema,
  z.strictObject({ kind: z.literal('record'), record: calibrationRecordSchema }),
]);

interface DevProblem {
  id: string;
  problem: string;
  answer: string;
}

interface Job {
  problem: DevProblem;
  method: TableMethod;
  budget: number;
}

async function loadDataset(file: string, limit: number | undefined): Promise<{ problems: DevProblem[]; sha256: string }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigError('--dataset', `cannot read ${file}: ${(error as Error).message}`);
  }
  const problems: DevProblem[] = [];
  const ids = new Set<string>();
  for (const [index, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    if (limit !== undefined && problems.length >= limit) break;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new ConfigError('--dataset', `${file} line ${index + 1}: not valid JSON`);
    }
    const parsed = datasetLineSchema.safeParse(value);
    const problem = parsed.success ? (parsed.data.problem ?? parsed.data.question) : undefined;
    if (!parsed.success || problem === undefined) {
      throw new ConfigError('--dataset', `${file} line ${index + 1}: expected {"problem": string, "answer": string}`);
    }
    const id = parsed.data.unique_id ?? (parsed.data.id !== undefined ? String(parsed.data.id) : `line-${index + 1}`);
    if (ids.has(id)) throw new ConfigError('--dataset', `${file} line ${index + 1}: duplicate problem id '${id}'`);
    ids.add(id);
    problems.push({ id, problem, answer: String(parsed.data.answer) });
  }
  if (problems.length === 0) throw new ConfigError('--dataset', `${file} has no problems`);
  // The whole file, not the first --limit problems: a larger --limit later may resume.
  return { problems, sha256: createHash('sha256').update(text).digest('hex') };
}

/**
 * The settings measurements depend on, keyed by where they live in the config. Upstream URLs are
 * left out (moving to another replica of the same model is fine); a simulator's seed and quality
 * are in, because they decide every simulated answer. `probe.max_samples` is in because records
 * keep only that many candidates for the probes.
 */
function configFingerprint(config: Config, model: ModelConfig, prm: PrmConfig | null, probeMaxSamples: number): ProgressHeader['config'] {
  const upstreamOf = (name: string): string => {
    const upstream = config.upstreams[name];
    return upstream?.url === 'sim' ? `sim seed ${upstream.sim.seed} quality ${upstream.sim.quality}` : 'server';
  };
  const family = prm ? getPrmFamily(prm.family) : null;
  return {
    'models[].served_name': model.served_name,
    'models[].family': model.family,
    'models[].step_api': model.step_api,
    'models[].upstream': upstreamOf(model.upstream),
    'prms[].name': prm?.name ?? null,
    'prms[].served_name': prm?.served_name ?? null,
    'prms[].family': prm?.family ?? null,
    'prms[].aggregation': prm ? (prm.aggregation ?? family?.defaults.aggregation ?? null) : null,
    'prms[].vote': prm ? (prm.vote ?? family?.defaults.vote ?? null) : null,
    'prms[].max_input_tokens': prm?.max_input_tokens ?? null,
    'prms[].upstream': prm ? upstreamOf(prm.upstream) : null,
    'tts.default_m': config.tts.default_m,
    'probe.max_samples': probeMaxSamples,
  };
}

/** How an earlier run's header differs from this run's, in words; empty when it does not. */
function headerDifferences(found: ProgressHeader, wanted: ProgressHeader): string[] {
  const differences: string[] = [];
  if (found.model !== wanted.model) differences.push(`model '${found.model}' (this run: '${wanted.model}')`);
  if (found.seed !== wanted.seed) differences.push(`seed ${found.seed} (this run: ${wanted.seed})`);
  if (found.datasetSha256 !== wanted.datasetSha256) {
    differences.push(`dataset ${found.dataset} with sha256 ${found.datasetSha256.slice(0, 12)}… (this run: ${wanted.dataset} with sha256 ${wanted.datasetSha256.slice(0, 12)}…)`);
  }
  for (const key of new Set([...Object.keys(found.config), ...Object.keys(wanted.config)])) {
    const before = found.config[key];
    const after = wanted.config[key];
    if (before !== after) differences.push(`${key} ${JSON.stringify(before ?? null)} (this run: ${JSON.stringify(after ?? null)})`);
  }
  return differences;
}

/**
 * Finished records from an earlier run of the same calibration (a torn last line is ignored).
 *
 * @throws ConfigError when the file was written for another model, seed, dataset content or
 *   serving config, or has records but no header to check them against.
 */
async function readProgress(file: string, header: ProgressHeader): Promise<CalibrationRecord[]> {
  const headerLine = `${JSON.stringify({ kind: 'header', ...header })}\n`;
  if (!existsSync(file)) {
    await appendFile(file, headerLine);
    return [];
  }
  const records: CalibrationRecord[] = [];
  let hasHeader = false;
  const text = await readFile(file, 'utf8');
  const refuse = (why: string): ConfigError => new ConfigError('--out', `${file} ${why}; delete it or choose another --out`);
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      continue;
    }
    const parsed = progressLineSchema.safeParse(value);
    if (!parsed.success) {
      // A header this version cannot read (an older one pinned no dataset content or config) must
      // not let its records through unchecked.
      if (z.looseObject({ kind: z.literal('header') }).safeParse(value).success) {
        throw refuse('has a header without the dataset and config fingerprints this version checks, so its records cannot be trusted for this run');
      }
      continue;
    }
    if (parsed.data.kind === 'record') {
      records.push(parsed.data.record);
      continue;
    }
    hasHeader = true;
    const differences = headerDifferences(parsed.data, header);
    if (differences.length > 0) throw refuse(`holds a calibration of another setup: ${differences.join('; ')}`);
  }
  if (!hasHeader && records.length > 0) throw refuse('has records but no header to check them against');
  // An interrupted run may leave a torn last line: end it, so the next append starts a fresh line.
  if (text.length > 0 && !text.endsWith('\n')) await appendFile(file, '\n');
  if (!hasHeader) await appendFile(file, headerLine);
  return records;
}

function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

/** "calibrate: 37/120 requests (31%) · 2.1/s · ETA 40s": rewritten in place on a TTY, else every 5 s. */
function createProgress(sink: ProgressSink, total: number, resumed: number, now: () => number) {
  const started = now();
  let finished = resumed;
  let failed = 0;
  let lastPrinted = -Infinity;
  const line = (): string => {
    const sent = finished - resumed;
    const elapsed = now() - started;
    const rate = elapsed > 0 ? (sent / elapsed) * 1000 : 0;
    const eta = rate > 0 ? formatDuration(((total - finished) / rate) * 1000) : '?';
    return `calibrate: ${finished}/${total} requests (${Math.floor((finished / Math.max(1, total)) * 100)}%) · ${rate.toFixed(1)}/s · ETA ${eta}${failed > 0 ? ` · ${failed} failed` : ''}`;
  };
  const print = (isFinal: boolean): void => {
    if (sink.isTTY === true) {
      sink.write(`\r\u001b[2K${line()}${isFinal ? '\n' : ''}`);
    } else if (isFinal || now() - lastPrinted >= 5000) {
      sink.write(`${line()}\n`);
      lastPrinted = now();
    }
  };
  return {
    tick(isFailure: boolean): void {
      finished += 1;
      if (isFailure) failed += 1;
      print(false);
    },
    done: (): void => print(true),
  };
}

/**
 * Run `worker` over the items, `concurrency` at a time. The first worker error stops the pool: no
 * new item starts, `signal` aborts the ones in flight, and the error is rethrown once every lane
 * has returned (so nothing keeps running behind the caller's back).
 */
async function runPool<T>(items: readonly T[], concurrency: number, worker: (item: T, signal: AbortSignal) => Promise<void>): Promise<void> {
  const controller = new AbortController();
  const state: { next: number; failure: { error: unknown } | null } = { next: 0, failure: null };
  const lanes = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (state.failure === null && state.next < items.length) {
      const item = items[state.next] as T;
      state.next += 1;
      try {
        await worker(item, controller.signal);
      } catch (error) {
        state.failure ??= { error };
        controller.abort();
      }
    }
  });
  await Promise.all(lanes);
  if (state.failure !== null) throw state.failure.error;
}

/** Appends one line at a time, in call order, so concurrent requests never interleave lines. */
function createLineAppender(file: string): (line: string) => Promise<void> {
  let tail: Promise<void> = Promise.resolve();
  return (line) => {
    const written = tail.then(() => appendFile(file, line));
    // The caller sees this append's error; the next append still runs after it.
    tail = written.catch(() => undefined);
    return written;
  };
}

interface RequestContext {
  url: string;
  model: string;
  apiKey: string | undefined;
  seed: number;
  /**
   * Candidates kept per record for the probes: the table's probe.max_samples, the most any budget
   * draws; `fitCalibration` cuts each budget's probe to its own k.
   */
  probeSamples: number;
  timeoutMs: number;
}

/** One request through the proxy, graded. */
async function measure(context: RequestContext, job: Job, signal: AbortSignal): Promise<CalibrationRecord> {
  const seed = hashString(`${context.seed}|${job.problem.id}|${job.method}|${job.budget}`) % 2 ** 31;
  const response = await request(`${context.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(context.apiKey ? { authorization: `Bearer ${context.apiKey}` } : {}) },
    body: JSON.stringify({
      model: context.model,
      messages: [{ role: 'user', content: job.problem.problem }],
      seed,
      tts_budget: { n: job.budget, strategy: job.method },
      tts_return_candidates: true,
    }),
    headersTimeout: context.timeoutMs,
    bodyTimeout: context.timeoutMs,
    signal,
  });
  const text = await response.body.text();
  if (response.statusCode !== 200) throw new TtsError(`HTTP ${response.statusCode}: ${text.slice(0, 300)}`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new TtsError('the proxy answered with invalid JSON');
  }
  const parsed = completionSchema.safeParse(value);
  if (!parsed.success) throw new TtsError(`unexpected response shape: ${parsed.error.issues[0]?.message ?? ''}`);
  const { tts } = parsed.data;
  const isRight = (answer: string | null): boolean => answer !== null && isEquivalent(answer, job.problem.answer);
  // Whole independent samples only (majority, BoN): search candidates share prefixes.
  const isSampled = job.method === 'majority' || job.method === 'best_of_n';
  return {
    problemId: job.problem.id,
    method: job.method,
    budget: job.budget,
    isCorrect: isRight(tts.selected_answer),
    policyTokens: tts.policy_completion_tokens,
    prmTokens: tts.prm_tokens,
    samplesCorrect: isSampled ? tts.candidate_details.filter((c) => isRight(c.answer)).length : 0,
    samplesTotal: isSampled ? tts.candidate_details.length : 0,
    probe: tts.candidate_details.slice(0, context.probeSamples).map((c) => ({ answer: c.answer, stepScores: c.step_scores })),
  };
}

function percent(value: number): string {
  return `${(value * 100).toFixed(1)}%`;
}

/** How the probe was measured and the thresholds fitted, for the table's header comment. */
function probeHeaderLines(fit: CalibrationFit): string[] {
  const perBudget = Object.entries(fit.probeSamples).map(([budget, k]) => `N=${budget}: ${k === 0 ? 'none' : `k=${k}`}`);
  const start = fit.probeStartsAt === null ? 'never' : `from N=${fit.probeStartsAt}`;
  if (Object.values(fit.probeSamples).every((k) => k === 0)) {
    return [
      `Probe (planProbe with this table's probe settings; starts ${start}): ${perBudget.join(', ')}. No calibrated budget probes, so every row is one`,
      'method for every difficulty (what unknown_difficulty gets) and difficulty_thresholds is not fitted (defaults).',
    ];
  }
  return [
    `Probe (planProbe with this table's probe settings; starts ${start}), k per budget: ${perBudget.join(', ')}. Each budget's bins come from`,
    "the first k samples of its own Best-of-N run (majority without a PRM), as a request at that N would probe. difficulty_thresholds",
    'is one set (the table has no per-k thresholds), fitted on the probes of every probing budget pooled, each cut to its own k;',
    `the probe bins agree with the oracle bins on ${percent(fit.binAgreement)}. Budgets without a probe get one row for every difficulty.`,
  ];
}

export async function runCalibrate(options: CalibrateOptions): Promise<CalibrateResult> {
  const budgets = [...new Set(options.budgets)].sort((a, b) => a - b);
  if (budgets.length === 0 || budgets.some((b) => !Number.isInteger(b) || b < 2)) {
    throw new ConfigError('--budgets', 'expects integers ≥ 2, e.g. 4,16,64');
  }
  const concurrency = options.concurrency ?? 4;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new ConfigError('--concurrency', 'expects a positive integer');
  const seed = options.seed ?? 1234;
  const sink = options.progress ?? process.stderr;
  const now = options.now ?? (() => performance.now());
  const date = options.date ?? new Date().toISOString().slice(0, 10);
  const env = options.env ?? process.env;

  const { problems: dataset, sha256: datasetSha256 } = await loadDataset(options.datasetPath, options.limit);
  const basePath = options.baseTablePath ?? path.join(REPO_CONFIG_DIR, 'strategy.yaml');
  const baseTable = parseStrategyTable(await readFile(basePath, 'utf8'), basePath);

  const server = await startServer({ configPath: options.configPath, env, logger: pino({ level: 'silent' }), port: 0, host: '127.0.0.1' });
  try {
    const { config } = server;
    const model = options.model === undefined ? config.models[0] : config.models.find((m) => m.name === options.model);
    if (!model) throw new ConfigError('--model', `no model '${options.model ?? ''}' in ${options.configPath} (known: ${config.models.map((m) => m.name).join(', ')})`);
    const prm = model.prm === undefined ? null : (config.prms.find((p) => p.name === model.prm) ?? null);
    const m = config.tts.default_m;
    const tooLarge = budgets.find((b) => b > config.tts.max_budget);
    if (tooLarge !== undefined) throw new ConfigError('--budgets', `${tooLarge} is above the server's tts.max_budget of ${config.tts.max_budget}`);

    const wanted = new Set<TableMethod>(options.methods ?? TABLE_METHODS);
    wanted.add('majority');
    // auto probes with Best-of-N when there is a PRM: each budget's probe is read from that run.
    if (prm !== null) wanted.add('best_of_n');
    const methods = TABLE_METHODS.filter((method) => wanted.has(method) && (method === 'majority' || prm !== null));
    const jobs: Job[] = [];
    const notes: string[] = [];
    for (const problem of dataset) {
      for (const budget of budgets) {
        for (const method of methods) {
          const isSearch = method === 'beam_search' || method === 'dvts';
          if (isSearch && budget % m !== 0) continue;
          jobs.push({ problem, method, budget });
        }
      }
    }
    const skippedSearch = budgets.filter((b) => b % m !== 0);
    if (skippedSearch.length > 0 && methods.some((x) => x === 'beam_search' || x === 'dvts')) {
      notes.push(`beam search / DVTS skipped at budget(s) ${skippedSearch.join(', ')} (not a multiple of M=${m})`);
    }

    const progressPath = `${options.outPath}.progress.jsonl`;
    await mkdir(path.dirname(path.resolve(progressPath)), { recursive: true });
    const jobKeys = new Set(jobs.map((job) => calibrationRecordKey({ problemId: job.problem.id, method: job.method, budget: job.budget })));
    const header: ProgressHeader = {
      model: model.name,
      dataset: path.resolve(options.datasetPath),
      datasetSha256,
      seed,
      config: configFingerprint(config, model, prm, baseTable.probe.maxSamples),
    };
    const previous = (await readProgress(progressPath, header)).filter((r) => jobKeys.has(calibrationRecordKey(r)));
    const done = new Map(previous.map((r) => [calibrationRecordKey(r), r]));
    const pending = jobs.filter((job) => !done.has(calibrationRecordKey({ problemId: job.problem.id, method: job.method, budget: job.budget })));

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
    const failures: string[] = [];
    const appendLine = createLineAppender(progressPath);
    await runPool(pending, concurrency, async (job, signal) => {
      let record: CalibrationRecord;
      try {
        record = await measure(context, job, signal);
      } catch (error) {
        // Aborted because another lane failed: that failure is the one to report.
        if (signal.aborted) return;
        failures.push(`${job.problem.id} ${job.method}@${job.budget}: ${(error as Error).message}`);
        progress.tick(true);
        return;
      }
      try {
        await appendLine(`${JSON.stringify({ kind: 'record', record })}\n`);
      } catch (error) {
        throw new TtsError(
          `cannot append to ${progressPath}: ${(error as Error).message}; stopped, so that no more requests run without being recorded (rerun to resume from what was written)`,
          { cause: error },
        );
      }
      done.set(calibrationRecordKey(record), record);
      progress.tick(false);
    });
    progress.done();

    const { problems, skipped } = buildCalibrationProblems([...done.values()], { hasPrm: prm !== null });
    if (problems.length === 0) {
      throw new TtsError(`no problem has the measurements a fit needs (${failures.length} request(s) failed${failures[0] ? `, e.g. ${failures[0]}` : ''})`);
    }
    const family = prm ? getPrmFamily(prm.family) : null;
    const fit = fitCalibration(problems, {
      base: { name: `calibrated-${model.name}`, sizeClasses: baseTable.sizeClasses, prmClasses: baseTable.prmClasses, probe: baseTable.probe, unknownDifficulty: baseTable.unknownDifficulty },
      rowSettings: { m, aggregation: prm?.aggregation ?? family?.defaults.aggregation ?? 'last', vote: prm?.vote ?? family?.defaults.vote ?? 'majority' },
      about: { dataset: path.basename(options.datasetPath), date, model: model.name, prm: prm?.name ?? null },
      seed,
    });
    const isSimulated = config.upstreams[model.upstream]?.url === 'sim';
    const headerLines = [
      `Strategy table calibrated by \`tts-proxy calibrate\` on ${date}.`,
      `Model: ${model.name} (${model.params_b}B, ${model.family}${isSimulated ? ', SIMULATED upstream' : ''}); PRM: ${prm ? `${prm.name} (${prm.family})` : 'none'}.`,
      `Dataset: ${options.datasetPath} (${fit.problems} problems used${fit.dropped + skipped.length > 0 ? `, ${fit.dropped + skipped.length} left out` : ''}); budgets ${budgets.join(', ')}; methods ${methods.join(', ')}; seed ${seed}.`,
      `Oracle bins by Pass@1 (paper.md §3): easy ${fit.oracleBins.easy}, medium ${fit.oracleBins.medium}, hard ${fit.oracleBins.hard}.`,
      ...probeHeaderLines(fit),
      '2-fold cross-validated accuracy of what auto serves at each N (fit on one half, scored on the other; paper.md §6):',
      ...fit.crossValidation.map(
        (cv) =>
          `  N=${cv.budget} (${cv.probeSamples === 0 ? 'no probe: one row for every difficulty' : `probe of ${cv.probeSamples}`}): auto ${percent(cv.autoAccuracy)} vs best single method (${cv.bestFixedMethod}${new Set(cv.foldMethods).size > 1 ? `; the two folds chose ${cv.foldMethods.join(' and ')}` : ''}) ${percent(cv.bestFixedAccuracy)}`,
      ),
      ...notes,
      'Rows and thresholds below are fitted on all problems; `measured` is in-sample.',
    ];
    const yaml = stringifyStrategyTable(fit.table, headerLines);
    // Check what we write parses back before replacing anything.
    parseStrategyTable(yaml, options.outPath);
    await mkdir(path.dirname(path.resolve(options.outPath)), { recursive: true });
    const temporary = `${options.outPath}.tmp-${process.pid}`;
    await writeFile(temporary, yaml);
    await rename(temporary, options.outPath);
    sink.write(`${headerLines.slice(3).join('\n')}\nwrote ${options.outPath}${failures.length > 0 ? ` (${failures.length} request(s) failed; rerun to retry them)` : ''}\n`);
    return {
      outPath: options.outPath,
      progressPath,
      table: fit.table,
      fit,
      yaml,
      requests: { total: jobs.length, resumed: jobs.length - pending.length, sent: pending.length, failed: failures.length },
      failures,
      skipped,
    };
  } finally {
    await server.close();
  }
}

function parseList(value: string, flag: string): string[] {
  const items = value.split(',').map((item) => item.trim()).filter((item) => item !== '');
  if (items.length === 0) throw new ConfigError(flag, 'expects a comma-separated list');
  return items;
}

function isTableMethod(value: string): value is TableMethod {
  return (TABLE_METHODS as readonly string[]).includes(value);
}

/**
 * `tts-proxy calibrate --dataset dev.jsonl --budgets 4,16,64 --out config/strategy.<name>.yaml
 * [--config FILE] [--model NAME] [--limit K] [--concurrency C] [--seed S] [--methods a,b] [--table FILE]`
 */
const CALIBRATE_USAGE = `tts-proxy calibrate --dataset FILE --out FILE [options]

Runs every method at every budget through the configured upstreams on a labelled dev set, measures
each problem's difficulty (oracle Pass@1 and the probe), fits the probe thresholds and the best
method per (difficulty, budget) with 2-fold cross-validation, and writes a strategy table for
tts_strategy auto (point tts.strategy_table or models[].strategy_table at it).
Progress goes to FILE.progress.jsonl; a rerun resumes.

  --dataset FILE       JSON lines {"problem","answer"} (MATH-500 fields accepted)
  --out FILE           strategy table to write, e.g. config/strategy.mymodel.yaml
  --budgets LIST       comma-separated budgets N (default 4,16,64)
  --config FILE        proxy config (default config/default.yaml: simulated upstreams)
  --model NAME         model to calibrate (default: the config's first model)
  --methods LIST       subset of ${TABLE_METHODS.join(', ')} (default: all the model can run;
                       majority, and best_of_n with a PRM, are always measured)
  --table FILE         table whose classes and probe settings to keep (default config/strategy.yaml)
  --limit K            only the first K problems
  --concurrency C      requests in flight (default 4)
  --seed S             request seeds and the CV fold split (default 1234)
`;

export async function calibrateCommand(args: ParsedArgs): Promise<void> {
  if (args.flags.has('help')) {
    process.stdout.write(CALIBRATE_USAGE);
    return;
  }
  const datasetPath = stringFlag(args, 'dataset');
  if (datasetPath === undefined) throw new ConfigError('--dataset', 'is required (JSON lines {"problem", "answer"})');
  const outPath = stringFlag(args, 'out');
  if (outPath === undefined) throw new ConfigError('--out', 'is required, e.g. config/strategy.mymodel.yaml');
  const budgets = parseList(stringFlag(args, 'budgets') ?? '4,16,64', '--budgets').map(Number);
  const methodsFlag = stringFlag(args, 'methods');
  const methods = methodsFlag === undefined ? undefined : parseList(methodsFlag, '--methods');
  const unknown = methods?.find((method) => !isTableMethod(method));
  if (unknown !== undefined) throw new ConfigError('--methods', `unknown method '${unknown}' (known: ${TABLE_METHODS.join(', ')})`);
  const limitFlag = stringFlag(args, 'limit');
  const model = stringFlag(args, 'model');
  const baseTablePath = stringFlag(args, 'table');
  await runCalibrate({
    datasetPath,
    budgets,
    outPath,
    configPath: stringFlag(args, 'config') ?? process.env.TTS_PROXY_CONFIG ?? path.join(REPO_CONFIG_DIR, 'default.yaml'),
    concurrency: numberFlag(args, 'concurrency', 4),
    seed: numberFlag(args, 'seed', 1234),
    ...(model !== undefined ? { model } : {}),
    ...(limitFlag !== undefined ? { limit: numberFlag(args, 'limit', 0) } : {}),
    ...(methods !== undefined ? { methods: methods.filter(isTableMethod) } : {}),
    ...(baseTablePath !== undefined ? { baseTablePath } : {}),
  });
}
