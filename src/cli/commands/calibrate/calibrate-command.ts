import path from 'node:path';
import { ConfigError } from '../../../errors';
import { TABLE_METHODS, type TableMethod } from '../../../select';
import { numberFlag, stringFlag, type ParsedArgs } from '../../args';
import { REPO_CONFIG_DIR } from './repo-config-dir';
import { runCalibrate } from './run-calibrate';

function parseList(value: string, flag: string): string[] {
  const items = value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
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
  if (datasetPath === undefined)
    throw new ConfigError('--dataset', 'is required (JSON lines {"problem", "answer"})');
  const outPath = stringFlag(args, 'out');
  if (outPath === undefined)
    throw new ConfigError('--out', 'is required, e.g. config/strategy.mymodel.yaml');
  const budgets = parseList(stringFlag(args, 'budgets') ?? '4,16,64', '--budgets').map(Number);
  const methodsFlag = stringFlag(args, 'methods');
  const methods = methodsFlag === undefined ? undefined : parseList(methodsFlag, '--methods');
  const unknown = methods?.find((method) => !isTableMethod(method));
  if (unknown !== undefined)
    throw new ConfigError(
      '--methods',
      `unknown method '${unknown}' (known: ${TABLE_METHODS.join(', ')})`,
    );
  const limitFlag = stringFlag(args, 'limit');
  const limit = limitFlag === undefined ? undefined : numberFlag(args, 'limit', 0);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1))
    throw new ConfigError('--limit', 'expects a positive integer');
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
