/**
 * The arithmetic of the difficulty probe and of its reuse. Budget N is counted in the paper's
 * units: complete solutions for BoN and majority vote, candidates per step for beam search and
 * DVTS (N/M beams of M children; docs/paper-findings.md#settings).
 *
 * - The probe draws k full samples INSIDE the budget: k = min(maxSamples, floor(N * share)),
 *   none when that is below `minSamples` (then the table's default bin is used).
 * - BoN / majority: the probe is the first batch. Only N − k more samples are drawn (possibly
 *   fewer, with early stopping), and all of them vote. The probe's PRM scores are kept, so no
 *   sample is scored twice either.
 * - Beam search / DVTS: the search runs with the largest multiple of M that fits in N − k and
 *   votes over its own paths, as the paper's does; the k probe samples (scored once, by the probe)
 *   vote only when the search returns no answer. Whatever does not fit a multiple of M is left
 *   unspent and reported; when not even one beam of M fits, the search becomes BoN over the N − k
 *   remaining samples.
 *
 * Nothing is generated twice: the probe's samples are never regenerated and the method only
 * draws its own, new samples (with seeds distinct from the probe's).
 */
import type { ProbeSettings } from './strategy-table';
import type { TableMethod } from './select-types';

export interface ProbePlan {
  /** k; 0 = no probe. */
  samples: number;
  reason: string;
}

export function planProbe(budget: number, settings: ProbeSettings): ProbePlan {
  // Never the whole budget: at least one sample is left for the chosen method.
  const k = Math.min(settings.maxSamples, Math.floor(budget * settings.budgetShare), budget - 1);
  if (k < settings.minSamples) {
    return {
      samples: 0,
      reason: `budget ${budget} leaves ${k} probe sample(s), fewer than ${settings.minSamples}: no probe`,
    };
  }
  return { samples: k, reason: `probe of ${k} samples inside the budget of ${budget}` };
}

export interface ProbeReuseInput {
  budget: number;
  /** Probe samples actually drawn (k). */
  probeSamples: number;
  method: TableMethod;
  /** Beam width M (search methods). */
  m: number;
}

export interface ProbeReusePlan {
  /** The method to run: the table's, or best_of_n when a search no longer fits. */
  method: TableMethod;
  /** `n` for the method: the new samples (BoN/majority) or the search's per-step budget. */
  methodBudget: number;
  /** 1 for BoN / majority. */
  m: number;
  /** Probe samples in the final vote: all k for BoN / majority; 0 for a search (its fallback only). */
  probeInVote: number;
  /** k + methodBudget, never above N. */
  plannedBudget: number;
  /** N − plannedBudget. */
  unspent: number;
  /** BoN and majority draw their samples in batches and may stop early. */
  isSampleBased: boolean;
  /** One line for the metadata. */
  accounting: string;
}

export function planProbeReuse(input: ProbeReuseInput): ProbeReusePlan {
  const { budget, probeSamples: k } = input;
  if (!Number.isInteger(budget) || budget < 1 || !Number.isInteger(k) || k < 0 || k >= budget) {
    throw new RangeError(
      `planProbeReuse: need 0 ≤ probe < budget, got probe ${k}, budget ${budget}`,
    );
  }
  const rest = budget - k;
  const sampled = (method: 'majority' | 'best_of_n', note: string): ProbeReusePlan => ({
    method,
    methodBudget: rest,
    m: 1,
    probeInVote: k,
    plannedBudget: budget,
    unspent: 0,
    isSampleBased: true,
    accounting: `${note}${k} probe sample(s) + up to ${rest} new = ${budget}; all vote`,
  });
  if (input.method === 'majority' || input.method === 'best_of_n') return sampled(input.method, '');
  const search = Math.floor(rest / input.m) * input.m;
  if (search < input.m) {
    return sampled(
      'best_of_n',
      `${input.method} needs N ≥ M=${input.m} after the probe, so best_of_n: `,
    );
  }
  return {
    method: input.method,
    methodBudget: search,
    m: input.m,
    probeInVote: 0,
    plannedBudget: k + search,
    unspent: rest - search,
    isSampleBased: false,
    accounting:
      `${k} probe sample(s) + ${input.method} at N=${search} (M=${input.m})` +
      `${rest - search > 0 ? `, ${rest - search} unspent (not a multiple of M)` : ''}; the search's paths vote (the probe samples only if it returns no answer)`,
  };
}

export interface BatchScheduleOptions {
  drawn: number;
  budget: number;
  /** Smallest batch (the probe size, or 4 without a probe). */
  minBatch: number;
  /** Each batch grows the total drawn by this factor (2 = doubling, as its_hub's Adaptive SC). */
  growth: number;
}

/**
 * Size of the next batch of samples: the total doubles (for growth 2) each round, so a budget
 * of N costs about log2(N / k) sequential rounds while early stopping can still save most of it.
 */
export function nextBatchSize(options: BatchScheduleOptions): number {
  const remaining = Math.max(0, options.budget - options.drawn);
  const grown = Math.ceil(options.drawn * Math.max(0, options.growth - 1));
  return Math.min(remaining, Math.max(1, options.minBatch, grown));
}
