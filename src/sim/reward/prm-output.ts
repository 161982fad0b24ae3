import type { JudgeOptions } from '../world/judge-steps';
/** What one `/pooling` input yields: a list of pairs (STEP pooling), one pair, or one value per token. */
export type PoolingData = number[][] | number[];

/** Settings shared by all simulated reward models. */
export type RewardSettings = JudgeOptions;

export function logit(probability: number): number {
  const p = Math.min(1 - 1e-9, Math.max(1e-9, probability));
  return Math.log(p / (1 - p));
}
