/**
 * Which (policy, PRM) pairs the reproduction runs and how the targets' PRM names map onto the
 * simulator's families. `quick` is the subset the test suite runs (bounded time); `full` is the
 * `tts-proxy eval --preset paper` run.
 */
import type { MethodName } from '../../tts';
import type { TargetPolicy, TargetPrm } from './paper-targets';
import type { WorldPrmSpec } from './world-harness';

export const TARGET_PRMS: Record<TargetPrm, WorldPrmSpec> = {
  'qwen2.5-math-prm-72b': { family: 'qwen2.5-math-prm', paramsB: 72 },
  'qwen2.5-math-prm-7b': { family: 'qwen2.5-math-prm', paramsB: 7 },
  'skywork-prm-7b': { family: 'skywork-o1', paramsB: 7 },
  'math-shepherd-7b': { family: 'math-shepherd', paramsB: 7 },
  'rlhflow-8b': { family: 'rlhflow', paramsB: 8 },
};

export interface PlannedPair {
  policy: TargetPolicy;
  prm: TargetPrm;
  methods: readonly MethodName[];
  withRules: boolean;
}

const ALL: readonly MethodName[] = ['majority', 'best_of_n', 'beam_search', 'dvts'];
const SAMPLING: readonly MethodName[] = ['majority', 'best_of_n'];
const qwen = (paramsB: number): TargetPolicy => ({ family: 'qwen2.5', paramsB });
const LLAMA_8B: TargetPolicy = { family: 'llama-3', paramsB: 8 };

export type ProfileName = 'quick' | 'full';

export interface ReproductionProfile {
  name: ProfileName;
  problems: number;
  budgets: readonly number[];
  pairs: readonly PlannedPair[];
}

function pairs(sizes: readonly number[], prmsForLlama: readonly TargetPrm[]): PlannedPair[] {
  return [
    ...sizes.map((size) => ({
      policy: qwen(size),
      prm: 'qwen2.5-math-prm-72b' as const,
      methods: ALL,
      withRules: false,
    })),
    ...prmsForLlama.map((prm) => ({ policy: LLAMA_8B, prm, methods: ALL, withRules: false })),
    { policy: qwen(7), prm: 'skywork-prm-7b', methods: SAMPLING, withRules: true },
    { policy: qwen(7), prm: 'qwen2.5-math-prm-7b', methods: SAMPLING, withRules: true },
  ];
}

export const REPRODUCTION_RUNS: Record<ProfileName, ReproductionProfile> = {
  quick: {
    name: 'quick',
    problems: 100,
    budgets: [16, 64],
    pairs: pairs([0.5, 1.5, 14, 72], ['skywork-prm-7b', 'math-shepherd-7b']),
  },
  full: {
    name: 'full',
    problems: 500,
    budgets: [4, 16, 64, 256],
    pairs: pairs(
      [0.5, 1.5, 3, 7, 14, 32, 72],
      ['skywork-prm-7b', 'qwen2.5-math-prm-72b', 'math-shepherd-7b', 'rlhflow-8b'],
    ),
  },
};

export function pairKey(policy: TargetPolicy, prm: TargetPrm | null): string {
  return `${policy.family}-${policy.paramsB}b|${prm ?? 'none'}`;
}
