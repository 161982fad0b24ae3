import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../../../src/errors';
import {
  parseStrategyTable,
  strategyTableFromDocument,
  strategyTableToDocument,
} from '../../../src/select';
import { DEFAULT_TABLE_PATH, loadDefaultTable, MINIMAL_TABLE } from './strategy-table-fixture';

function withRows(rows: string): string {
  return MINIMAL_TABLE.slice(0, MINIMAL_TABLE.indexOf('rows:')) + rows;
}

describe('parseStrategyTable', () => {
  it('parses every row of config/strategy.yaml, each with a source', () => {
    const table = loadDefaultTable();
    const raw = parseYaml(readFileSync(DEFAULT_TABLE_PATH, 'utf8')) as { rows: unknown[] };
    expect(table.rows).toHaveLength(raw.rows.length);
    expect(table.rows.length).toBeGreaterThanOrEqual(10);
    for (const row of table.rows) expect(row.source).toMatch(/docs\/paper-findings\.md#[a-z-]+/);
    expect(table.sizeClasses.map((c) => c.name)).toEqual(['small', 'mid', 'large']);
    expect(table.prmClasses).toEqual({
      'qwen2.5-math-prm': 'strong',
      'skywork-o1': 'strong',
      'math-shepherd': 'weak',
      rlhflow: 'weak',
      outcome: 'outcome',
    });
    expect(table.probe).toEqual({ maxSamples: 4, budgetShare: 0.25, minSamples: 4 });
  });

  it('cites its source in a comment above every row of the shipped file', () => {
    const lines = readFileSync(DEFAULT_TABLE_PATH, 'utf8').split('\n');
    const rowStarts = lines.flatMap((line, i) =>
      /^ {2}- /.test(line) && lines.slice(0, i).some((l) => l.startsWith('rows:')) ? [i] : [],
    );
    for (const start of rowStarts) expect(lines[start - 1]).toMatch(/^\s*#/);
  });

  it('fills defaults for probe, unknown difficulty and per-model thresholds', () => {
    const table = parseStrategyTable(MINIMAL_TABLE);
    expect(table.probe).toEqual({ maxSamples: 4, budgetShare: 0.25, minSamples: 4 });
    expect(table.unknownDifficulty).toBe('medium');
    expect(table.thresholdsByModel).toEqual({});
    expect(table.rows[0]?.match).toEqual({
      policyFamilies: null,
      sizes: ['small'],
      prms: null,
      difficulties: ['hard'],
      budgetMin: null,
      budgetMax: null,
    });
  });

  it('names the bad field', () => {
    expect(() =>
      parseStrategyTable(MINIMAL_TABLE.replace('method: beam_search', 'method: mcts')),
    ).toThrow(/rows\.0\.method/);
    expect(() => parseStrategyTable(MINIMAL_TABLE.replace('    source: test\n', ''))).toThrow(
      /rows\.0\.source/,
    );
    expect(() => parseStrategyTable(MINIMAL_TABLE.replace('version: 1', 'version: 2'))).toThrow(
      ConfigError,
    );
    expect(() => parseStrategyTable('rows: [')).toThrow(/not valid YAML/);
  });

  it('rejects a row that names an unknown size class', () => {
    expect(() => parseStrategyTable(MINIMAL_TABLE.replace('size: small', 'size: tiny'))).toThrow(
      /unknown size class 'tiny'/,
    );
  });

  it('rejects a row an earlier row makes unreachable', () => {
    const text = withRows(`rows:
  - method: best_of_n
    source: catch-all first
  - size: small
    method: beam_search
    source: never reached
`);
    expect(() => parseStrategyTable(text)).toThrow(/rows\.1.*unreachable: row 0/);
  });

  it('rejects a table that leaves a case without a row', () => {
    const text = withRows(`rows:
  - size: small
    method: beam_search
    source: only small
`);
    expect(() => parseStrategyTable(text)).toThrow(/no row matches .*size large/);
  });

  it('checks budget coverage between breakpoints', () => {
    const text = withRows(`rows:
  - budget_max: 8
    method: best_of_n
    source: small budgets
  - budget_min: 10
    method: beam_search
    source: large budgets
`);
    expect(() => parseStrategyTable(text)).toThrow(/budget 9/);
  });

  it('rejects size classes out of order and a bounded last class', () => {
    expect(() =>
      parseStrategyTable(
        MINIMAL_TABLE.replace('{ name: large }', '{ name: large, below_params_b: 100 }'),
      ),
    ).toThrow(/last has none/);
    expect(() =>
      parseStrategyTable(
        MINIMAL_TABLE.replace(
          '- { name: small, below_params_b: 7 }',
          '- { name: small, below_params_b: 7 }\n  - { name: mid, below_params_b: 5 }',
        ),
      ),
    ).toThrow(/increasing/);
  });

  it('rejects a PRM family listed in two classes and inconsistent thresholds', () => {
    expect(() =>
      parseStrategyTable(
        MINIMAL_TABLE.replace(
          'strong: [qwen2.5-math-prm]',
          'strong: [qwen2.5-math-prm]\n  weak: [qwen2.5-math-prm]',
        ),
      ),
    ).toThrow(/two classes/);
    expect(() =>
      parseStrategyTable(
        MINIMAL_TABLE.replace('hard_max_mean_final_score: 0.35', 'hard_max_mean_final_score: 0.8'),
      ),
    ).toThrow(/hard_max_mean_final_score/);
  });

  it('accepts lists and `any` in conditions', () => {
    const text = withRows(`rows:
  - difficulty: [medium, hard]
    prm: any
    method: beam_search
    source: search
  - method: best_of_n
    source: rest
`);
    const table = parseStrategyTable(text);
    expect(table.rows[0]?.match.difficulties).toEqual(['medium', 'hard']);
    expect(table.rows[0]?.match.prms).toBeNull();
  });
});

describe('parseStrategyTable calibration block', () => {
  const withCalibration = (probeSamples: number): string =>
    `${MINIMAL_TABLE}calibration:
  dataset: dev.jsonl
  date: 2025-01-01
  model: toy
  prm: null
  problems: 6
  budgets: [4, 16]
  probe_samples: ${probeSamples}
  bin_agreement: 0.5
  cross_validation:
    - { budget: 4, auto_accuracy: 0.5, best_fixed_method: beam_search, best_fixed_accuracy: 0.5 }
`;

  it('reads tables calibrated before per-budget probes (probe_samples ≥ 1)', () => {
    expect(parseStrategyTable(withCalibration(4)).calibration).toMatchObject({
      probeSamples: 4,
      crossValidation: [{ budget: 4, bestFixedMethod: 'beam_search' }],
    });
  });

  it('accepts probe_samples 0: no calibrated budget reaches the probe', () => {
    expect(parseStrategyTable(withCalibration(0)).calibration?.probeSamples).toBe(0);
    expect(() => parseStrategyTable(withCalibration(-1))).toThrow(/calibration\.probe_samples/);
  });
});

describe('strategyTableToDocument', () => {
  it('round-trips the shipped table', () => {
    const table = loadDefaultTable();
    expect(strategyTableFromDocument(strategyTableToDocument(table))).toEqual(table);
  });
});
