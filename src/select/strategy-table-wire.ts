/**
 * The strategy-table file format (`config/strategy.yaml`, and the tables `tts-proxy calibrate`
 * writes), as zod schemas in the file's own snake_case spelling. `strategy-table.ts` converts it
 * to the camelCase `StrategyTable` the rest of `select/` uses, and back for writing.
 */
import { z } from 'zod';
import { AGGREGATIONS } from '../tts/search-types';
import {
  DIFFICULTY_BINS,
  POLICY_FAMILY_NAMES,
  PRM_CLASS_NAMES,
  PRM_FAMILY_NAMES,
  TABLE_METHODS,
  VOTE_NAMES,
} from './select-types';

const aggregation = z.enum(AGGREGATIONS);
const vote = z.enum(VOTE_NAMES);
const share = z.number().min(0).max(1);
const positiveInt = z.number().int().positive();

/** One value, a list of values, or `any` (the same as leaving the key out). */
function oneOrMany<T extends readonly [string, ...string[]]>(values: T) {
  const item = z.enum(values);
  return z.union([z.literal('any'), item, z.array(item).min(1)]);
}

export const thresholdsWireSchema = z.strictObject({
  /** Easy needs a mean final-step PRM score at least this (ignored without PRM scores). */
  easy_min_mean_final_score: share,
  /** Easy needs the top answer's share among valid answers at least this. */
  easy_min_agreement: share,
  /** Hard when the mean final-step PRM score is at most this (-1 disables). */
  hard_max_mean_final_score: z.number().min(-1).max(1),
  /** Hard when the top answer's share is below this (0 disables). */
  hard_below_agreement: share,
  /** Hard when at least this share of the probe has no answer (above 1 disables). */
  hard_min_invalid_share: z.number().min(0).max(2),
});

const measuredWireSchema = z.strictObject({
  /** Accuracy of the chosen method on the calibration problems this row covers. */
  accuracy: share,
  problems: z.number().int().min(0),
  mean_policy_tokens: z.number().min(0).nullable(),
  /** Accuracy of every method tried on the same problems. */
  alternatives: z.record(z.string(), share),
});

export const rowWireSchema = z.strictObject({
  policy_family: oneOrMany(POLICY_FAMILY_NAMES).optional(),
  /** Name(s) from `size_classes`. */
  size: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
  prm: oneOrMany(PRM_CLASS_NAMES).optional(),
  difficulty: oneOrMany(DIFFICULTY_BINS).optional(),
  /** Inclusive budget range (N); either end may be left out. */
  budget_min: positiveInt.optional(),
  budget_max: positiveInt.optional(),
  method: z.enum(TABLE_METHODS),
  /** Beam width M for beam search / DVTS; left out = the server's default M. */
  m: positiveInt.optional(),
  /** Left out = the PRM's configured default. */
  aggregation: aggregation.optional(),
  vote: vote.optional(),
  /** Where the row comes from: a paper section, the author's table, or a calibration run. */
  source: z.string().min(1),
  measured: measuredWireSchema.optional(),
});

const calibrationWireSchema = z.strictObject({
  dataset: z.string(),
  date: z.string(),
  model: z.string(),
  prm: z.string().nullable(),
  problems: z.number().int().min(0),
  budgets: z.array(positiveInt),
  /** The largest probe a calibrated budget draws (k = 0 below the probe threshold: no probe at all). */
  probe_samples: z.number().int().min(0),
  /** Share of (problem, probing budget) pairs whose probe bin equals the Pass@1 bin, with the fitted thresholds. */
  bin_agreement: share,
  cross_validation: z.array(
    z.strictObject({
      budget: positiveInt,
      auto_accuracy: share,
      /** The single method the training folds chose (ties: the better on all problems). */
      best_fixed_method: z.enum(TABLE_METHODS),
      /** That method's accuracy on the held-out halves (= on all problems). */
      best_fixed_accuracy: share,
    }),
  ),
});

export const strategyTableWireSchema = z.strictObject({
  version: z.literal(1),
  name: z.string().min(1),
  size_classes: z
    .array(
      z.strictObject({
        name: z.string().min(1),
        /** Models below this many billion parameters fall in the class; the last class has none. */
        below_params_b: z.number().positive().optional(),
      }),
    )
    .min(1),
  prm_classes: z.strictObject({
    strong: z.array(z.enum(PRM_FAMILY_NAMES)).default([]),
    weak: z.array(z.enum(PRM_FAMILY_NAMES)).default([]),
    outcome: z.array(z.enum(PRM_FAMILY_NAMES)).default([]),
  }),
  probe: z
    .strictObject({
      max_samples: positiveInt.default(4),
      /** k = min(max_samples, floor(N * budget_share)). */
      budget_share: z.number().gt(0).max(1).default(0.25),
      /** A smaller k is not worth it: no probe, and `unknown_difficulty` is used. */
      min_samples: positiveInt.default(4),
    })
    .default({ max_samples: 4, budget_share: 0.25, min_samples: 4 }),
  /** Bin used when there is no probe (small budgets, or a disabled probe). */
  unknown_difficulty: z.enum(DIFFICULTY_BINS).default('medium'),
  difficulty_thresholds: thresholdsWireSchema,
  /** Per client-facing model name (calibrated per policy and PRM). */
  thresholds_by_model: z.record(z.string(), thresholdsWireSchema).default({}),
  rows: z.array(rowWireSchema).min(1),
  calibration: calibrationWireSchema.optional(),
});

export type StrategyTableWire = z.infer<typeof strategyTableWireSchema>;
export type StrategyRowWire = z.infer<typeof rowWireSchema>;
export type ThresholdsWire = z.infer<typeof thresholdsWireSchema>;
export type CalibrationWire = z.infer<typeof calibrationWireSchema>;
export type MeasuredWire = z.infer<typeof measuredWireSchema>;
