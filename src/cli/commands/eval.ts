/**
 * `tts-proxy eval`: parses flags, wires Ctrl-C to a clean stop, shows progress on stderr and
 * prints the summary table on stdout. The work is `runEval` in `src/eval`.
 */
import { ConfigError } from '../../errors';
import {
  ARM_NAMES,
  EVAL_DEFAULTS,
  AUTO_PROBLEMS,
  formatSummaryText,
  runEval,
  runPaperPreset,
  type EvalSummary,
  type RunEvalOptions,
} from '../../eval';
import { numberFlag, stringFlag, type CommandSpec, type ParsedArgs } from '../args';

const DEFAULT_ARMS = 'cot,majority,best_of_n,beam_search,dvts';
const DEFAULT_BUDGETS = '4,16,64';

const LIST = { kind: 'string', placeholder: 'LIST' } as const;

export const EVAL_COMMAND: CommandSpec = {
  name: 'eval',
  summary: 'A/B test-time scaling arms against plain CoT on a labelled dataset, through the proxy.',
  usage: '--dataset FILE --out DIR [options]',
  description: `Sends every (arm, budget, problem) request through the proxy, grades the answers, and
writes DIR/results.jsonl, DIR/summary.json and DIR/report.html. A rerun with the same --out
resumes; Ctrl-C stops cleanly (twice aborts in-flight requests).

tts-proxy eval --preset paper --out DIR [--profile quick|full] [--readme README.md]: the paper's
findings reproduced in the simulated world (no HTTP, fixed seeds) and auto against the best fixed
method on ${AUTO_PROBLEMS} held-out problems; writes DIR/reproduction.md and, with --readme, the
README section between its tts-numbers markers. --profile quick (default) is the test suite's
grid; full is every policy size and PRM up to N=256.`,
  flags: [
    {
      name: 'dataset',
      kind: 'string',
      placeholder: 'FILE',
      description:
        'JSON lines {"problem","answer"}; optional id/unique_id, level, subject, difficulty',
    },
    {
      name: 'out',
      kind: 'string',
      placeholder: 'DIR',
      description: 'output directory (created if missing)',
    },
    {
      name: 'arms',
      ...LIST,
      description: `comma-separated, of ${ARM_NAMES.join(', ')}\n(default ${DEFAULT_ARMS}); cot runs at budget 1`,
    },
    {
      name: 'budgets',
      ...LIST,
      description: `comma-separated budgets N (default ${DEFAULT_BUDGETS}); beam_search/dvts need multiples of 4`,
    },
    {
      name: 'url',
      kind: 'string',
      placeholder: 'URL',
      description: 'a running proxy (default: start one in-process with --config)',
    },
    {
      name: 'config',
      kind: 'string',
      placeholder: 'FILE',
      description:
        'config of the in-process proxy (default config/default.yaml, simulated upstreams)',
    },
    {
      name: 'model',
      kind: 'string',
      placeholder: 'NAME',
      description: "model to request (default: the proxy's first model)",
    },
    {
      name: 'limit',
      kind: 'integer',
      placeholder: 'K',
      min: 1,
      description: 'only the first K problems',
    },
    {
      name: 'concurrency',
      kind: 'integer',
      placeholder: 'C',
      min: 1,
      description: `requests in flight (default ${EVAL_DEFAULTS.concurrency})`,
    },
    {
      name: 'seed',
      kind: 'integer',
      placeholder: 'S',
      description: `run seed; each problem's request seed derives from it (default ${EVAL_DEFAULTS.seed})`,
    },
    {
      name: 'timeout-ms',
      kind: 'integer',
      placeholder: 'MS',
      min: 1,
      description: `per request (default ${EVAL_DEFAULTS.timeoutMs})`,
    },
    {
      name: 'preset',
      kind: 'string',
      placeholder: 'paper',
      description: 'run the paper reproduction instead of an A/B (see above)',
    },
    {
      name: 'profile',
      kind: 'string',
      placeholder: 'quick|full',
      description: 'with --preset: the grid (default quick)',
    },
    {
      name: 'readme',
      kind: 'string',
      placeholder: 'FILE',
      description: 'with --preset: rewrite the numbers between the tts-numbers markers of FILE',
    },
    {
      name: 'api-key-env',
      kind: 'string',
      placeholder: 'VAR',
      description: "env var holding the proxy's client API key, if it requires one",
    },
  ],
};

function listFlag(args: ParsedArgs, name: string, fallback: string): string[] {
  return (stringFlag(args, name) ?? fallback)
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

function budgetsFlag(args: ParsedArgs): number[] {
  return listFlag(args, 'budgets', DEFAULT_BUDGETS).map((item) => {
    const budget = Number(item);
    if (!Number.isInteger(budget) || budget < 1)
      throw new ConfigError('', `eval: --budgets expects positive integers, got '${item}'`);
    return budget;
  });
}

function requiredFlag(args: ParsedArgs, name: string): string {
  const value = stringFlag(args, name);
  if (value === undefined)
    throw new ConfigError('', `eval: --${name} is required (see tts-proxy eval --help)`);
  return value;
}

function optionalNumber(args: ParsedArgs, name: string): number | undefined {
  return args.flags.has(name) ? numberFlag(args, name, 0) : undefined;
}

/** Builds {@link RunEvalOptions} from the command line (without signals and output sinks). */
export function evalOptionsFromArgs(args: ParsedArgs, env: NodeJS.ProcessEnv): RunEvalOptions {
  const url = stringFlag(args, 'url');
  const configPath = stringFlag(args, 'config');
  if (url !== undefined && configPath !== undefined)
    throw new ConfigError(
      '',
      'eval: --config applies to the in-process proxy only; drop it or --url',
    );
  const apiKeyEnv = stringFlag(args, 'api-key-env');
  const apiKey = apiKeyEnv === undefined ? undefined : env[apiKeyEnv];
  if (apiKeyEnv !== undefined && (apiKey === undefined || apiKey === ''))
    throw new ConfigError('', `eval: --api-key-env env var ${apiKeyEnv} is not set`);
  const model = stringFlag(args, 'model');
  const limit = optionalNumber(args, 'limit');
  const concurrency = optionalNumber(args, 'concurrency');
  const seed = optionalNumber(args, 'seed');
  const timeoutMs = optionalNumber(args, 'timeout-ms');
  return {
    datasetPath: requiredFlag(args, 'dataset'),
    outDir: requiredFlag(args, 'out'),
    arms: listFlag(args, 'arms', DEFAULT_ARMS),
    budgets: budgetsFlag(args),
    env,
    ...(url !== undefined ? { url } : {}),
    ...(configPath !== undefined ? { configPath } : {}),
    ...(model !== undefined ? { model } : {}),
    ...(limit !== undefined ? { limit } : {}),
    ...(concurrency !== undefined ? { concurrency } : {}),
    ...(seed !== undefined ? { seed } : {}),
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    ...(apiKey !== undefined ? { apiKey } : {}),
  };
}

async function presetCommand(args: ParsedArgs, preset: string): Promise<void> {
  if (preset !== 'paper')
    throw new ConfigError('', `eval: --preset: unknown preset '${preset}' (expected paper)`);
  const profile = stringFlag(args, 'profile') ?? 'quick';
  if (profile !== 'quick' && profile !== 'full')
    throw new ConfigError('', `eval: --profile expects quick or full, got '${profile}'`);
  const readmePath = stringFlag(args, 'readme');
  const markdown = await runPaperPreset({
    profile,
    outDir: requiredFlag(args, 'out'),
    ...(readmePath !== undefined ? { readmePath } : {}),
    log: (line) => process.stderr.write(`eval: ${line}\n`),
  });
  process.stdout.write(markdown);
}

export async function evalCommand(args: ParsedArgs): Promise<void> {
  const preset = stringFlag(args, 'preset');
  if (preset !== undefined) {
    await presetCommand(args, preset);
    return;
  }
  const options = evalOptionsFromArgs(args, process.env);
  const stop = new AbortController();
  const abort = new AbortController();
  let interrupts = 0;
  const onInterrupt = (): void => {
    interrupts++;
    if (interrupts === 1) {
      process.stderr.write(
        '\neval: stopping: no new requests; waiting for in-flight ones (Ctrl-C again to abort them)\n',
      );
      stop.abort();
    } else if (interrupts === 2) {
      process.stderr.write(
        '\neval: aborting in-flight requests; writing the report from what is done\n',
      );
      abort.abort();
    } else {
      process.exit(130);
    }
  };
  process.on('SIGINT', onInterrupt);
  try {
    const result = await runEval({
      ...options,
      stopSignal: stop.signal,
      signal: abort.signal,
      progress: {
        isTty: process.stderr.isTTY === true,
        write: (text) => process.stderr.write(text),
        ...(process.stderr.columns ? { columns: process.stderr.columns } : {}),
      },
      log: (line) => process.stderr.write(`eval: ${line}\n`),
    });
    process.stdout.write(formatSummaryText(result.summary));
    process.stderr.write(
      `eval: wrote ${result.files.results}, ${result.files.summary}, ${result.files.report}\n`,
    );
    if (result.isInterrupted) process.exitCode = 130;
    else if (everyRequestFailed(result.summary)) {
      // Accuracies of 0.0% would read as a model that is always wrong: say what happened, and
      // fail the run so a script or CI notices.
      process.stderr.write(
        `eval: every request failed (see the "error" field of ${result.files.results}); the accuracies above count them as wrong\n`,
      );
      process.exitCode = 1;
    }
  } finally {
    process.off('SIGINT', onInterrupt);
  }
}

/** Requests were graded and none of them got an answer. */
function everyRequestFailed(summary: EvalSummary): boolean {
  const requests = summary.cells.reduce((sum, cell) => sum + cell.requests, 0);
  const errors = summary.cells.reduce((sum, cell) => sum + cell.errors, 0);
  return requests > 0 && errors === requests;
}
