/** The shipped default table, read from disk once per test file. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseStrategyTable, type StrategyTable } from '../../../src/select';

export const DEFAULT_TABLE_PATH = path.resolve(__dirname, '../../../config/strategy.yaml');

export function loadDefaultTable(): StrategyTable {
  return parseStrategyTable(readFileSync(DEFAULT_TABLE_PATH, 'utf8'), DEFAULT_TABLE_PATH);
}

/** A minimal valid table in YAML, for parser tests to break one piece at a time. */
export const MINIMAL_TABLE = `
version: 1
name: minimal
size_classes:
  - { name: small, below_params_b: 7 }
  - { name: large }
prm_classes:
  strong: [qwen2.5-math-prm]
difficulty_thresholds:
  easy_min_mean_final_score: 0.7
  easy_min_agreement: 0.75
  hard_max_mean_final_score: 0.35
  hard_below_agreement: 0.4
  hard_min_invalid_share: 0.5
rows:
  - size: small
    difficulty: hard
    method: beam_search
    m: 4
    source: test
  - method: best_of_n
    source: test catch-all
`;
