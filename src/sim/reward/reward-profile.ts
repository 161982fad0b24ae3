/**
 * Reward-aware simulation: how good a simulated PRM is depends on which PRM it is AND on the
 * policy whose steps it judges (arXiv 2502.06703, its PRM findings: off-the-shelf PRMs judge policies
 * they were not trained on; Appendix C: over-criticism, error neglect, scoring/length bias).
 * Every effect is a knob with a documented default; docs/simulated-world.md says which defaults
 * the paper's examples justify and which are our choice.
 */
import type { PolicyFamily } from '../world/policy-strength';
import { meanPassAtOne } from '../world/policy-strength';

/** The policy a PRM's training data was sampled from, or that it judges. */
export interface PolicyIdentity {
  /** `mistral` and `deepseek` exist only as PRM training policies. */
  family: PolicyFamily | 'mistral' | 'deepseek';
  paramsB: number;
}

/** The knobs of one simulated PRM (all probabilities per step unless said otherwise). */
export interface RewardKnobs {
  /** Step-judging quality on text of its own training policy, 0..1 (1 = perfect separation). */
  baseQuality: number;
  /** Whose samples it was trained on. */
  trainingPolicy: PolicyIdentity;
  /** Quality lost per factor of 2 between the judged policy's size and the training policy's. */
  qualityLossPerDoubling: number;
  /** Quality lost when the judged policy is of another family than the training policy. */
  qualityLossOtherFamily: number;
  /**
   * Over-criticism: a correct step scored near 0.5 (Appendix C: 0.53). Happens with probability
   * `overCriticism × strength`, where strength = how far the judged policy's mean Pass@1 lies
   * above 0.5 (0 at ≤ 0.5, 1 at 0.9): strong policies skip what the PRM's training data spelled out.
   */
  overCriticism: number;
  /** Error neglect: a wrong step scored 0.90–0.99 (Appendix C), with this probability. */
  errorNeglect: number;
  /** Share of a problem's wrong chains that fool the PRM at every step (systematic neglect). */
  deceptiveChains: number;
  /**
   * Added to `deceptiveChains` in proportion to the judged policy's strength: a strong policy's
   * mistakes are plausible-looking, so the PRM misses more of them.
   */
  deceptiveChainsStrongPolicy: number;
  /**
   * Scoring/length bias in logits per step token beyond `lengthFreeTokens` (negative: prefers
   * short steps; Appendix C: the same answer 0.68 short vs 0.12 long).
   */
  lengthBiasPerToken: number;
  lengthFreeTokens: number;
  /** Share of quality lost on the hardest problems (ramping up from latent difficulty 0.75). */
  hardProblemQualityLoss: number;
  /**
   * Share of quality lost on intermediate steps (Monte-Carlo-labelled PRMs: Math-Shepherd,
   * RLHFlow judge a step by whether rollouts from it succeed).
   */
  intermediateStepQualityLoss: number;
  /** Multiplies score noise: calibration (Qwen2.5-Math-PRM's LLM-judge-filtered data is cleaner). */
  noiseScale: number;
}

export type SimPrmFamily =
  'qwen2.5-math-prm' | 'math-shepherd' | 'rlhflow' | 'skywork-o1' | 'outcome';

const QWEN_MATH_7B: PolicyIdentity = { family: 'qwen2.5', paramsB: 7 };

/**
 * Per-family defaults (our choice of magnitudes; the ordering is the paper's: Qwen2.5-Math-PRM
 * and Skywork strong — search scales with them —, Math-Shepherd and RLHFlow weak and
 * length-biased). Training policies from the PRMs' model cards: Qwen2.5-Math-PRM and Skywork-PRM
 * on Qwen2.5-Math-Instruct samples, Math-Shepherd on Mistral-7B (MetaMath) samples, RLHFlow on
 * Mistral-7B / Deepseek-Math-7B samples (paper Table 1).
 */
const FAMILY_KNOBS: Record<SimPrmFamily, RewardKnobs> = {
  'qwen2.5-math-prm': {
    baseQuality: 0.9,
    trainingPolicy: QWEN_MATH_7B,
    qualityLossPerDoubling: 0.01,
    qualityLossOtherFamily: 0.05,
    overCriticism: 0.3,
    errorNeglect: 0.06,
    deceptiveChains: 0.1,
    deceptiveChainsStrongPolicy: 0.6,
    lengthBiasPerToken: 0,
    lengthFreeTokens: 60,
    hardProblemQualityLoss: 0.8,
    intermediateStepQualityLoss: 0,
    noiseScale: 0.5,
  },
  'skywork-o1': {
    baseQuality: 0.85,
    trainingPolicy: QWEN_MATH_7B,
    qualityLossPerDoubling: 0.015,
    qualityLossOtherFamily: 0.06,
    overCriticism: 0.4,
    errorNeglect: 0.12,
    deceptiveChains: 0.1,
    deceptiveChainsStrongPolicy: 0.6,
    lengthBiasPerToken: -0.01,
    lengthFreeTokens: 60,
    hardProblemQualityLoss: 0.8,
    intermediateStepQualityLoss: 0.1,
    noiseScale: 1.3,
  },
  'math-shepherd': {
    baseQuality: 0.7,
    trainingPolicy: { family: 'mistral', paramsB: 7 },
    qualityLossPerDoubling: 0.04,
    qualityLossOtherFamily: 0.15,
    overCriticism: 0.4,
    errorNeglect: 0.2,
    deceptiveChains: 0.3,
    deceptiveChainsStrongPolicy: 0.4,
    lengthBiasPerToken: -0.04,
    lengthFreeTokens: 40,
    hardProblemQualityLoss: 0.8,
    intermediateStepQualityLoss: 0.85,
    noiseScale: 1,
  },
  rlhflow: {
    baseQuality: 0.72,
    trainingPolicy: { family: 'mistral', paramsB: 7 },
    qualityLossPerDoubling: 0.04,
    qualityLossOtherFamily: 0.15,
    overCriticism: 0.4,
    errorNeglect: 0.2,
    deceptiveChains: 0.3,
    deceptiveChainsStrongPolicy: 0.4,
    lengthBiasPerToken: 0.03,
    lengthFreeTokens: 47,
    hardProblemQualityLoss: 0.8,
    intermediateStepQualityLoss: 0.8,
    noiseScale: 1,
  },
  outcome: {
    baseQuality: 0.8,
    trainingPolicy: QWEN_MATH_7B,
    qualityLossPerDoubling: 0.01,
    qualityLossOtherFamily: 0.05,
    overCriticism: 0.1,
    errorNeglect: 0.05,
    deceptiveChains: 0.1,
    deceptiveChainsStrongPolicy: 0.3,
    lengthBiasPerToken: 0,
    lengthFreeTokens: 60,
    hardProblemQualityLoss: 0.8,
    intermediateStepQualityLoss: 0,
    noiseScale: 1,
  },
};

/** A bigger PRM of the same family judges better (Qwen2.5-Math-PRM-72B vs 7B: Figure 6). */
const QUALITY_PER_PRM_DOUBLING = 0.012;
const REFERENCE_PRM_PARAMS_B = 7;

/** Whether an engine's family is one of the simulated reward models. */
export function isSimPrmFamily(family: string): family is SimPrmFamily {
  return Object.hasOwn(FAMILY_KNOBS, family);
}

/** The defaults of a PRM family at a size, with any overrides applied. */
export function rewardKnobsFor(
  family: SimPrmFamily,
  prmParamsB: number,
  overrides: Partial<RewardKnobs> = {},
): RewardKnobs {
  const base = FAMILY_KNOBS[family];
  const sizeBonus =
    QUALITY_PER_PRM_DOUBLING * Math.log2(Math.max(prmParamsB, 0.1) / REFERENCE_PRM_PARAMS_B);
  return {
    ...base,
    baseQuality: Math.min(1, Math.max(0, base.baseQuality + sizeBonus)),
    ...overrides,
  };
}

/** What the judge applies to one (PRM, judged policy) pair. */
export interface JudgeProfile {
  quality: number;
  overCriticism: number;
  errorNeglect: number;
  deceptiveChains: number;
  lengthBiasPerToken: number;
  lengthFreeTokens: number;
  hardProblemQualityLoss: number;
  intermediateStepQualityLoss: number;
  noiseScale: number;
}

/** How far above a coin flip a policy reasons: 0 at mean Pass@1 ≤ 0.5, 1 at ≥ 0.9. */
export function policyStrength(policy: PolicyIdentity): number {
  if (policy.family === 'mistral' || policy.family === 'deepseek') return 0;
  return Math.min(1, Math.max(0, (meanPassAtOne(policy.paramsB, policy.family) - 0.5) / 0.4));
}

/**
 * The judge of a PRM for text written by `judged` (null: unknown writer, judged as its training
 * policy). Quality falls with the size ratio and with a family change; over-criticism grows with
 * the writer's strength.
 */
export function judgeProfileFor(knobs: RewardKnobs, judged: PolicyIdentity | null): JudgeProfile {
  const writer = judged ?? knobs.trainingPolicy;
  const doublings = Math.abs(
    Math.log2(Math.max(writer.paramsB, 0.01) / knobs.trainingPolicy.paramsB),
  );
  const otherFamily = writer.family === knobs.trainingPolicy.family ? 0 : 1;
  const quality =
    knobs.baseQuality -
    knobs.qualityLossPerDoubling * doublings -
    knobs.qualityLossOtherFamily * otherFamily;
  const strength = policyStrength(writer);
  return {
    quality: Math.min(1, Math.max(0, quality)),
    overCriticism: knobs.overCriticism * strength,
    errorNeglect: knobs.errorNeglect,
    deceptiveChains: Math.min(
      1,
      knobs.deceptiveChains + knobs.deceptiveChainsStrongPolicy * strength,
    ),
    lengthBiasPerToken: knobs.lengthBiasPerToken,
    lengthFreeTokens: knobs.lengthFreeTokens,
    hardProblemQualityLoss: knobs.hardProblemQualityLoss,
    intermediateStepQualityLoss: knobs.intermediateStepQualityLoss,
    noiseScale: knobs.noiseScale,
  };
}
