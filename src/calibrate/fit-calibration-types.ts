/**
 * The input, options and result types of `fitCalibration` (see fit-calibration.ts for how the fit
 * works). Kept apart so the pieces of the fit share them without importing each other.
 */
import type { Aggregation } from '../tts/search-types';
import type {
  DifficultyThresholds,
  ProbeSample,
  DifficultyBin,
  TableMethod,
  VoteName,
  StrategyTable,
} from '../select';
import type { ThresholdGrid } from './fit-thresholds';

export interface CalibrationOutcome {
  method: TableMethod;
  budget: number;
  isCorrect: boolean;
  policyTokens: number;
}

export interface CalibrationProblem {
  id: string;
  /** Oracle Pass@1 in [0, 1]. */
  passAt1: number;
  /**
   * Per budget, the first samples (generation order) of the run a request at that budget would
   * probe with; cut to that budget's k. Budgets whose k is 0 need none; a problem missing the
   * probe of a budget that probes is dropped.
   */
  probes: { budget: number; samples: ProbeSample[] }[];
  outcomes: CalibrationOutcome[];
}

export interface FitCalibrationOptions {
  /** Table fields that calibration does not change (size/PRM classes, probe settings, name). */
  base: Pick<StrategyTable, 'name' | 'sizeClasses' | 'prmClasses' | 'probe' | 'unknownDifficulty'>;
  /** What the runs used, written into every row (m only on search rows). */
  rowSettings: { m: number; aggregation: Aggregation; vote: VoteName };
  /** Header facts for the table's `calibration` block. */
  about: { dataset: string; date: string; model: string; prm: string | null };
  /** Seed of the fold split. */
  seed: number;
  /** A probe bin with fewer problems than this takes the budget's best single method (default 3). */
  minProblemsPerCell?: number;
  /**
   * A bin takes a method other than the budget's best single method only when it wins the paired
   * comparison on the bin's problems by wins − losses ≥ z·√(wins + losses) (a sign test; default
   * z = 1). Small bins otherwise pick noise and the CV accuracy drops below the single method's.
   */
  minPairedZ?: number;
  thresholdGrid?: ThresholdGrid;
  equivalent?: (left: string, right: string) => boolean;
}

export interface CalibrationCell {
  budget: number;
  /** The probe bin; null = every request at this budget (the best single method on all problems). */
  bin: DifficultyBin | null;
  /** k at this budget (0 = no probe). */
  probeSamples: number;
  method: TableMethod;
  problems: number;
  accuracy: number;
  meanPolicyTokens: number | null;
  alternatives: Partial<Record<TableMethod, number>>;
  /**
   * Why the cell took the budget's best single method instead of its own winner, or null:
   * too few problems in the bin, a winner not significantly better, or no bin at all (`all`: the
   * cell covers every problem, for a budget or a budget range without a probe).
   */
  fallback: 'too-few-problems' | 'not-significant' | 'all' | null;
}

export interface CrossValidationResult {
  budget: number;
  /** k the served probe draws at this budget; 0 = no probe, auto is the `unknown_difficulty` row. */
  probeSamples: number;
  /** Accuracy on held-out problems of what `auto` serves at this budget (probe bin → row). */
  autoAccuracy: number;
  /**
   * The single method the two training folds chose (their most accurate); when they disagree,
   * the one of the two that is more accurate on all problems.
   */
  bestFixedMethod: TableMethod;
  /**
   * Accuracy of `bestFixedMethod` on the held-out halves, i.e. on all problems (a fixed method
   * fits nothing). When the folds disagree this is slightly optimistic, so `auto` is compared
   * against a baseline no weaker than the honest one.
   */
  bestFixedAccuracy: number;
  /** Each training fold's most accurate single method, in fold order. */
  foldMethods: TableMethod[];
}

export interface CalibrationFit {
  thresholds: DifficultyThresholds;
  /**
   * Share of (problem, probing budget) pairs whose probe bin equals the problem's oracle bin (all
   * data, fitted thresholds); 0 when no calibrated budget probes.
   */
  binAgreement: number;
  /** confusion[oracle][probe] = (problem, probing budget) pairs. */
  confusion: Record<DifficultyBin, Record<DifficultyBin, number>>;
  /** Problems per oracle Pass@1 bin. */
  oracleBins: Record<DifficultyBin, number>;
  /** budget → k the served probe draws (0 = none). */
  probeSamples: Record<number, number>;
  /** Smallest budget that probes with the table's probe settings; null = none ever does. */
  probeStartsAt: number | null;
  cells: CalibrationCell[];
  crossValidation: CrossValidationResult[];
  /** Problems used (those with every method × budget measured) and dropped. */
  problems: number;
  dropped: number;
  table: StrategyTable;
}
