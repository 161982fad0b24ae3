import path from 'node:path';
import { ConfigError } from '../../../errors';
import { TABLE_METHODS, type TableMethod } from '../../../select';
import { numberFlag, stringFlag, type CommandSpec, type ParsedArgs } from '../../args';
import { REPO_CONFIG_DIR } from './repo-config-dir';
import { runCalibrate } from './run-calibrate';

function parseList(value: string, flag: string): string[] {
  const items = value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
  if (items.length === 0)
    throw new ConfigError('', `calibrate: ${flag} expects a comma-separated list`);
  return items;
}

function isTableMethod(value: string): value is TableMethod {
  return (TABLE_METHODS as readonly string[]).includes(value);
}

export const CALIBRATE_COMMAND: CommandSpec = {
  name: 'calibrate',
  summary:
    'Measure every method at every budget on a labelled dev set and write a strategy table for auto.',
  usage: '--dataset FILE --out FILE [options]',
  description: `Runs every method at every budget through the configured upstreams, measures each problem's
difficulty (oracle Pass@1 and the probe), fits the probe thresholds and the best method per
(difficulty, budget) with 2-fold cross-validation, and writes a strategy table for
tts_strategy auto (point tts.strategy_table or models[].strategy_table at it).
Progress goes to FILE.progress.jsonl; a rerun resumes.`,
  flags: [
    {
      name: 'dataset',
      kind: 'string',
      placeholder: 'FILE',
      description: 'JSON lines {"problem","answer"} (MATH-500 fields accepted)',
    },
    {
      name: 'out',
      kind: 'string',
      placeholder: 'FILE',
      description: 'strategy table to write, e.g. config/strategy.mymodel.yaml',
    },
    {
      name: 'budgets',
      kind: 'string',
      placeholder: 'LIST',
      description: 'comma-separated budgets N (default 4,16,64)',
    },
    {
      name: 'config',
      kind: 'string',
      placeholder: 'FILE',
      description:
        'proxy config (default: env TTS_PROXY_CONFIG, else config/default.yaml: simulated upstreams)',
    },
    {
      name: 'model',
      kind: 'string',
      placeholder: 'NAME',
      description: "model to calibrate (default: the config's first model)",
    },
    {
      name: 'methods',
      kind: 'string',
      placeholder: 'LIST',
      description: `subset of ${TABLE_METHODS.join(', ')} (default: all the model can run;
majority, and best_of_n with a PRM, are always measured)`,
    },
    {
      name: 'table',
      kind: 'string',
      placeholder: 'FILE',
      description: 'table whose classes and probe settings to keep (default config/strategy.yaml)',
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
      description: 'requests in flight (default 4)',
    },
    {
      name: 'seed',
      kind: 'integer',
      placeholder: 'S',
      description: 'request seeds and the CV fold split (default 1234)',
    },
  ],
};

export async function calibrateCommand(args: ParsedArgs): Promise<void> {
  const datasetPath = stringFlag(args, 'dataset');
  if (datasetPath === undefined)
    throw new ConfigError(
      '',
      'calibrate: --dataset is required (JSON lines {"problem", "answer"})',
    );
  const outPath = stringFlag(args, 'out');
  if (outPath === undefined)
    throw new ConfigError('', 'calibrate: --out is required, e.g. config/strategy.mymodel.yaml');
  const budgets = parseList(stringFlag(args, 'budgets') ?? '4,16,64', '--budgets').map(Number);
  const badBudget = budgets.find((budget) => !Number.isInteger(budget) || budget < 1);
  if (badBudget !== undefined)
    throw new ConfigError('', `calibrate: --budgets expects positive integers, got '${badBudget}'`);
  const methodsFlag = stringFlag(args, 'methods');
  const methods = methodsFlag === undefined ? undefined : parseList(methodsFlag, '--methods');
  const unknown = methods?.find((method) => !isTableMethod(method));
  if (unknown !== undefined)
    throw new ConfigError(
      '',
      `calibrate: --methods: unknown method '${unknown}' (known: ${TABLE_METHODS.join(', ')})`,
    );
  const limit = args.flags.has('limit') ? numberFlag(args, 'limit', 0) : undefined;
  const model = stringFlag(args, 'model');
  const baseTablePath = stringFlag(args, 'table');
  await runCalibrate({
    datasetPath,
    budgets,
    outPath,
    configPath:
      stringFlag(args, 'config') ??
      process.env.TTS_PROXY_CONFIG ??
      path.join(REPO_CONFIG_DIR, 'default.yaml'),
    concurrency: numberFlag(args, 'concurrency', 4),
    seed: numberFlag(args, 'seed', 1234),
    ...(model !== undefined ? { model } : {}),
    ...(limit !== undefined ? { limit } : {}),
    ...(methods !== undefined ? { methods: methods.filter(isTableMethod) } : {}),
    ...(baseTablePath !== undefined ? { baseTablePath } : {}),
  });
}
