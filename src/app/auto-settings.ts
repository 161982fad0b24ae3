/**
 * How `auto` decides for each configured model: its strategy table (read once per file) and the
 * early-stop rule of sample-based methods.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config';
import type { AutoSettings } from '../contracts';
import { ConfigError } from '../errors';
import { parseStrategyTable, type EarlyStopRule, type StrategyTable } from '../select';

function earlyStopRule(config: Config['tts']['early_stop']): EarlyStopRule {
  switch (config.kind) {
    case 'beta':
      return { kind: 'beta', confidence: config.confidence, minSamples: config.min_samples };
    case 'supermajority':
      return { kind: 'supermajority', share: config.share, minSamples: config.min_samples };
    default:
      return { kind: config.kind };
  }
}

/**
 * The paper's findings as a table (the repo's config/strategy.yaml), used when the config names
 * none. Looked up from src/app/ (ts), dist/app/ (build) or dist-bench/src/app/ (benchmark build).
 */
const BUNDLED_STRATEGY_TABLE =
  [
    path.resolve(__dirname, '..', '..', 'config', 'strategy.yaml'),
    path.resolve(__dirname, '..', '..', '..', 'config', 'strategy.yaml'),
  ].find((file) => existsSync(file)) ??
  path.resolve(__dirname, '..', '..', 'config', 'strategy.yaml');

/** Read strategy tables once per file; relative paths are relative to the config file. */
function createTableLoader(configPath: string): (file: string, field: string) => StrategyTable {
  const loaded = new Map<string, StrategyTable>();
  return (file, field) => {
    const resolved = path.resolve(path.dirname(configPath), file);
    const cached = loaded.get(resolved);
    if (cached) return cached;
    let text: string;
    try {
      text = readFileSync(resolved, 'utf8');
    } catch (error) {
      throw new ConfigError(
        field,
        `cannot read strategy table ${resolved}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      );
    }
    const table = parseStrategyTable(text, `${field} (${resolved})`);
    loaded.set(resolved, table);
    return table;
  };
}

/** Every model's auto settings, in config order; a bad table fails before anything starts. */
export function loadAutoSettings(config: Config, configPath: string): AutoSettings[] {
  const loadTable = createTableLoader(configPath);
  return config.models.map((model, index) => ({
    table: model.strategy_table
      ? loadTable(model.strategy_table, `models.${index}.strategy_table`)
      : loadTable(config.tts.strategy_table ?? BUNDLED_STRATEGY_TABLE, 'tts.strategy_table'),
    earlyStop: earlyStopRule(config.tts.early_stop),
    batchGrowth: config.tts.sample_batch_growth,
    defaultM: config.tts.default_m,
  }));
}
