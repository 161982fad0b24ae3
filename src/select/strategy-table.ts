/**
 * The strategy table behind `tts_strategy: auto`: rows keyed by policy size class × PRM class ×
 * difficulty bin (× budget range, × policy family) → method, M, aggregation, vote, each with its
 * source. The first matching row wins, like a firewall rule list; the parser rejects tables with a
 * row no input can reach, or with an input no row matches, so a lookup never fails at request time.
 *
 * Loader-agnostic: `parseStrategyTable` takes YAML text (the caller reads the file);
 * `strategyTableFromDocument` takes an already parsed document.
 */
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../errors';
import type { Aggregation } from '../tts/search-types';
import type { DifficultyThresholds } from './estimate-difficulty';
import {
  DIFFICULTY_BINS,
  POLICY_FAMILY_NAMES,
  PRM_CLASS_NAMES,
  type DifficultyBin,
  type PolicyFamily,
  type PrmClass,
  type PrmFamilyName,
  type TableMethod,
  type VoteName,
} from './select-types';
import {
  strategyTableWireSchema,
  type CalibrationWire,
  type MeasuredWire,
  type StrategyRowWire,
  type StrategyTableWire,
  type ThresholdsWire,
} from './strategy-table-wire';

export interface SizeClass {
  name: string;
  /** Exclusive upper bound in billions of parameters; null for the last (largest) class. */
  belowParamsB: number | null;
}

/** Conditions of a row; null = any. */
export interface StrategyRowMatch {
  policyFamilies: PolicyFamily[] | null;
  sizes: string[] | null;
  prms: PrmClass[] | null;
  difficulties: DifficultyBin[] | null;
  /** Inclusive budget range; null = unbounded on that side. */
  budgetMin: number | null;
  budgetMax: number | null;
}

export interface RowMeasurement {
  accuracy: number;
  problems: number;
  meanPolicyTokens: number | null;
  alternatives: Record<string, number>;
}

export interface StrategyRow {
  match: StrategyRowMatch;
  method: TableMethod;
  /** null = the server's default M. */
  m: number | null;
  /** null = the PRM's configured default. */
  aggregation: Aggregation | null;
  vote: VoteName | null;
  source: string;
  measured: RowMeasurement | null;
}

export interface ProbeSettings {
  maxSamples: number;
  budgetShare: number;
  minSamples: number;
}

export interface CalibrationSummary {
  dataset: string;
  date: string;
  model: string;
  prm: string | null;
  problems: number;
  budgets: number[];
  /** The largest probe (k) any calibrated budget draws; 0 when none reaches the probe threshold. */
  probeSamples: number;
  /** Share of (problem, probing budget) pairs whose probe bin is the oracle bin. */
  binAgreement: number;
  /** Per budget: `auto` as served vs the single method the training folds chose, on held-out halves. */
  crossValidation: {
    budget: number;
    autoAccuracy: number;
    bestFixedMethod: TableMethod;
    bestFixedAccuracy: number;
  }[];
}

export interface StrategyTable {
  name: string;
  sizeClasses: SizeClass[];
  /** PRM family → class; families not listed are treated as `weak` (the conservative choice: BoN). */
  prmClasses: Partial<Record<PrmFamilyName, Exclude<PrmClass, 'none'>>>;
  probe: ProbeSettings;
  unknownDifficulty: DifficultyBin;
  difficultyThresholds: DifficultyThresholds;
  thresholdsByModel: Record<string, DifficultyThresholds>;
  rows: StrategyRow[];
  calibration: CalibrationSummary | null;
}

/**
 * Parse and check a strategy table from YAML text.
 *
 * @param origin shown in error messages (e.g. the file path).
 * @throws ConfigError naming the bad field (`rows.3.method`) or the unreachable/uncovered case.
 */
export function parseStrategyTable(text: string, origin = 'strategy table'): StrategyTable {
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    throw new ConfigError(origin, `not valid YAML: ${(error as Error).message}`);
  }
  return strategyTableFromDocument(document, origin);
}

/** Validate a parsed document (same checks as {@link parseStrategyTable}). */
export function strategyTableFromDocument(
  document: unknown,
  origin = 'strategy table',
): StrategyTable {
  const result = strategyTableWireSchema.safeParse(document);
  if (!result.success) {
    const issue = result.error.issues[0];
    const path = issue ? issue.path.map(String).join('.') : '';
    throw new ConfigError(`${origin}: ${path}`, issue?.message ?? 'invalid strategy table');
  }
  const table = fromWire(result.data, origin);
  checkTable(table, origin);
  return table;
}

function listOf<T extends string>(value: T | T[] | 'any' | undefined): T[] | null {
  if (value === undefined || value === 'any') return null;
  return Array.isArray(value) ? [...value] : [value];
}

function thresholdsFromWire(wire: ThresholdsWire): DifficultyThresholds {
  return {
    easyMinMeanFinalScore: wire.easy_min_mean_final_score,
    easyMinAgreement: wire.easy_min_agreement,
    hardMaxMeanFinalScore: wire.hard_max_mean_final_score,
    hardBelowAgreement: wire.hard_below_agreement,
    hardMinInvalidShare: wire.hard_min_invalid_share,
  };
}

function rowFromWire(row: StrategyRowWire): StrategyRow {
  const sizes =
    row.size === undefined || row.size === 'any'
      ? null
      : Array.isArray(row.size)
        ? [...row.size]
        : [row.size];
  return {
    match: {
      policyFamilies: listOf(row.policy_family),
      sizes,
      prms: listOf(row.prm),
      difficulties: listOf(row.difficulty),
      budgetMin: row.budget_min ?? null,
      budgetMax: row.budget_max ?? null,
    },
    method: row.method,
    m: row.m ?? null,
    aggregation: row.aggregation ?? null,
    vote: row.vote ?? null,
    source: row.source,
    measured: row.measured
      ? {
          accuracy: row.measured.accuracy,
          problems: row.measured.problems,
          meanPolicyTokens: row.measured.mean_policy_tokens,
          alternatives: { ...row.measured.alternatives },
        }
      : null,
  };
}

function fromWire(wire: StrategyTableWire, origin: string): StrategyTable {
  const prmClasses: StrategyTable['prmClasses'] = {};
  for (const cls of ['strong', 'weak', 'outcome'] as const) {
    for (const family of wire.prm_classes[cls]) {
      if (prmClasses[family] !== undefined)
        throw new ConfigError(
          `${origin}: prm_classes.${cls}`,
          `PRM family '${family}' is listed in two classes`,
        );
      prmClasses[family] = cls;
    }
  }
  const calibration = wire.calibration;
  return {
    name: wire.name,
    sizeClasses: wire.size_classes.map((c) => ({
      name: c.name,
      belowParamsB: c.below_params_b ?? null,
    })),
    prmClasses,
    probe: {
      maxSamples: wire.probe.max_samples,
      budgetShare: wire.probe.budget_share,
      minSamples: wire.probe.min_samples,
    },
    unknownDifficulty: wire.unknown_difficulty,
    difficultyThresholds: thresholdsFromWire(wire.difficulty_thresholds),
    thresholdsByModel: Object.fromEntries(
      Object.entries(wire.thresholds_by_model).map(([name, t]) => [name, thresholdsFromWire(t)]),
    ),
    rows: wire.rows.map(rowFromWire),
    calibration: calibration
      ? {
          dataset: calibration.dataset,
          date: calibration.date,
          model: calibration.model,
          prm: calibration.prm,
          problems: calibration.problems,
          budgets: [...calibration.budgets],
          probeSamples: calibration.probe_samples,
          binAgreement: calibration.bin_agreement,
          crossValidation: calibration.cross_validation.map((cv) => ({
            budget: cv.budget,
            autoAccuracy: cv.auto_accuracy,
            bestFixedMethod: cv.best_fixed_method,
            bestFixedAccuracy: cv.best_fixed_accuracy,
          })),
        }
      : null,
  };
}

function checkTable(table: StrategyTable, origin: string): void {
  const names = new Set<string>();
  table.sizeClasses.forEach((cls, index) => {
    if (names.has(cls.name))
      throw new ConfigError(
        `${origin}: size_classes.${index}.name`,
        `duplicate size class '${cls.name}'`,
      );
    names.add(cls.name);
    const isLast = index === table.sizeClasses.length - 1;
    if (isLast !== (cls.belowParamsB === null)) {
      throw new ConfigError(
        `${origin}: size_classes.${index}.below_params_b`,
        'every size class but the last needs below_params_b, and the last has none',
      );
    }
    const previous = table.sizeClasses[index - 1]?.belowParamsB;
    if (previous != null && cls.belowParamsB !== null && cls.belowParamsB <= previous) {
      throw new ConfigError(
        `${origin}: size_classes.${index}.below_params_b`,
        'size classes must be in increasing order of size',
      );
    }
  });
  const check = (thresholds: DifficultyThresholds, path: string): void => {
    if (thresholds.hardMaxMeanFinalScore >= thresholds.easyMinMeanFinalScore) {
      throw new ConfigError(
        `${origin}: ${path}`,
        'hard_max_mean_final_score must be below easy_min_mean_final_score',
      );
    }
    if (thresholds.hardBelowAgreement > thresholds.easyMinAgreement) {
      throw new ConfigError(
        `${origin}: ${path}`,
        'hard_below_agreement must not exceed easy_min_agreement',
      );
    }
  };
  check(table.difficultyThresholds, 'difficulty_thresholds');
  for (const [model, thresholds] of Object.entries(table.thresholdsByModel))
    check(thresholds, `thresholds_by_model.${model}`);
  table.rows.forEach((row, index) => {
    for (const size of row.match.sizes ?? []) {
      if (!names.has(size))
        throw new ConfigError(
          `${origin}: rows.${index}.size`,
          `unknown size class '${size}' (known: ${[...names].join(', ')})`,
        );
    }
    const { budgetMin, budgetMax } = row.match;
    if (budgetMin !== null && budgetMax !== null && budgetMin > budgetMax) {
      throw new ConfigError(`${origin}: rows.${index}`, 'budget_min is above budget_max');
    }
    const shadow = table.rows
      .slice(0, index)
      .findIndex((earlier) => covers(earlier.match, row.match));
    if (shadow >= 0) {
      throw new ConfigError(
        `${origin}: rows.${index}`,
        `unreachable: row ${shadow} (checked first) matches everything this row matches`,
      );
    }
  });
  const gap = findUncoveredCase(table);
  if (gap)
    throw new ConfigError(
      origin,
      `no row matches ${gap}; add a row (or a catch-all last row) for it`,
    );
}

function coversList<T>(outer: readonly T[] | null, inner: readonly T[] | null): boolean {
  if (outer === null) return true;
  if (inner === null) return false;
  return inner.every((value) => outer.includes(value));
}

/** Whether every input `inner` matches is also matched by `outer`. */
function covers(outer: StrategyRowMatch, inner: StrategyRowMatch): boolean {
  const isLowCovered =
    outer.budgetMin === null || (inner.budgetMin !== null && inner.budgetMin >= outer.budgetMin);
  const isHighCovered =
    outer.budgetMax === null || (inner.budgetMax !== null && inner.budgetMax <= outer.budgetMax);
  return (
    coversList(outer.policyFamilies, inner.policyFamilies) &&
    coversList(outer.sizes, inner.sizes) &&
    coversList(outer.prms, inner.prms) &&
    coversList(outer.difficulties, inner.difficulties) &&
    isLowCovered &&
    isHighCovered
  );
}

/** Whether a row matches one concrete case. */
export function rowMatches(
  match: StrategyRowMatch,
  key: {
    policyFamily: PolicyFamily;
    size: string;
    prm: PrmClass;
    difficulty: DifficultyBin;
    budget: number;
  },
): boolean {
  return (
    (match.policyFamilies === null || match.policyFamilies.includes(key.policyFamily)) &&
    (match.sizes === null || match.sizes.includes(key.size)) &&
    (match.prms === null || match.prms.includes(key.prm)) &&
    (match.difficulties === null || match.difficulties.includes(key.difficulty)) &&
    (match.budgetMin === null || key.budget >= match.budgetMin) &&
    (match.budgetMax === null || key.budget <= match.budgetMax)
  );
}

/**
 * Every (family, size, PRM class, bin) and every budget ≥ 2 (budget ≤ 1 is plain CoT) must match
 * some row. Matching is constant between budget breakpoints, so checking 2 and every row's
 * budget_min and budget_max + 1 checks all budgets.
 */
function findUncoveredCase(table: StrategyTable): string | null {
  const budgets = new Set<number>([2]);
  for (const row of table.rows) {
    if (row.match.budgetMin !== null && row.match.budgetMin >= 2) budgets.add(row.match.budgetMin);
    if (row.match.budgetMax !== null) budgets.add(row.match.budgetMax + 1);
  }
  for (const policyFamily of POLICY_FAMILY_NAMES) {
    for (const { name: size } of table.sizeClasses) {
      for (const prm of PRM_CLASS_NAMES) {
        for (const difficulty of DIFFICULTY_BINS) {
          for (const budget of budgets) {
            const key = { policyFamily, size, prm, difficulty, budget };
            if (!table.rows.some((row) => rowMatches(row.match, key))) {
              return `policy family ${policyFamily}, size ${size}, PRM ${prm}, difficulty ${difficulty}, budget ${budget}`;
            }
          }
        }
      }
    }
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Back to the file format (for `tts-proxy calibrate`).

function thresholdsToWire(t: DifficultyThresholds): ThresholdsWire {
  return {
    easy_min_mean_final_score: t.easyMinMeanFinalScore,
    easy_min_agreement: t.easyMinAgreement,
    hard_max_mean_final_score: t.hardMaxMeanFinalScore,
    hard_below_agreement: t.hardBelowAgreement,
    hard_min_invalid_share: t.hardMinInvalidShare,
  };
}

function oneOrList<T extends string>(values: readonly T[] | null): T | T[] | undefined {
  if (values === null) return undefined;
  return values.length === 1 ? values[0] : [...values];
}

function rowToWire(row: StrategyRow): StrategyRowWire {
  const measured: MeasuredWire | undefined = row.measured
    ? {
        accuracy: row.measured.accuracy,
        problems: row.measured.problems,
        mean_policy_tokens: row.measured.meanPolicyTokens,
        alternatives: { ...row.measured.alternatives },
      }
    : undefined;
  const policyFamily = oneOrList(row.match.policyFamilies);
  const size = oneOrList(row.match.sizes);
  const prm = oneOrList(row.match.prms);
  const difficulty = oneOrList(row.match.difficulties);
  // Keys in reading order: conditions, then the choice, then provenance.
  return {
    ...(policyFamily !== undefined ? { policy_family: policyFamily } : {}),
    ...(size !== undefined ? { size } : {}),
    ...(prm !== undefined ? { prm } : {}),
    ...(difficulty !== undefined ? { difficulty } : {}),
    ...(row.match.budgetMin !== null ? { budget_min: row.match.budgetMin } : {}),
    ...(row.match.budgetMax !== null ? { budget_max: row.match.budgetMax } : {}),
    method: row.method,
    ...(row.m !== null ? { m: row.m } : {}),
    ...(row.aggregation !== null ? { aggregation: row.aggregation } : {}),
    ...(row.vote !== null ? { vote: row.vote } : {}),
    source: row.source,
    ...(measured ? { measured } : {}),
  };
}

/** The file form of a table (snake_case), ready for a YAML writer. */
export function strategyTableToDocument(table: StrategyTable): StrategyTableWire {
  const prmClasses: StrategyTableWire['prm_classes'] = { strong: [], weak: [], outcome: [] };
  for (const [family, cls] of Object.entries(table.prmClasses) as [
    PrmFamilyName,
    Exclude<PrmClass, 'none'>,
  ][]) {
    prmClasses[cls].push(family);
  }
  const calibration: CalibrationWire | undefined = table.calibration
    ? {
        dataset: table.calibration.dataset,
        date: table.calibration.date,
        model: table.calibration.model,
        prm: table.calibration.prm,
        problems: table.calibration.problems,
        budgets: [...table.calibration.budgets],
        probe_samples: table.calibration.probeSamples,
        bin_agreement: table.calibration.binAgreement,
        cross_validation: table.calibration.crossValidation.map((cv) => ({
          budget: cv.budget,
          auto_accuracy: cv.autoAccuracy,
          best_fixed_method: cv.bestFixedMethod,
          best_fixed_accuracy: cv.bestFixedAccuracy,
        })),
      }
    : undefined;
  return {
    version: 1,
    name: table.name,
    size_classes: table.sizeClasses.map((c) =>
      c.belowParamsB === null ? { name: c.name } : { name: c.name, below_params_b: c.belowParamsB },
    ),
    prm_classes: prmClasses,
    probe: {
      max_samples: table.probe.maxSamples,
      budget_share: table.probe.budgetShare,
      min_samples: table.probe.minSamples,
    },
    unknown_difficulty: table.unknownDifficulty,
    difficulty_thresholds: thresholdsToWire(table.difficultyThresholds),
    thresholds_by_model: Object.fromEntries(
      Object.entries(table.thresholdsByModel).map(([name, t]) => [name, thresholdsToWire(t)]),
    ),
    rows: table.rows.map(rowToWire),
    ...(calibration ? { calibration } : {}),
  };
}
