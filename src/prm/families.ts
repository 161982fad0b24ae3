import { mathShepherd } from './math-shepherd';
import { outcome } from './outcome';
import { PRM_FAMILY_NAMES, type PrmFamily, type PrmFamilyName } from './prm-family';
import { qwenMathPrm } from './qwen-math-prm';
import { rlhflow } from './rlhflow';
import { skyworkO1 } from './skywork-o1';

export { PRM_FAMILY_NAMES };

const FAMILIES: Readonly<Record<PrmFamilyName, PrmFamily>> = {
  'qwen2.5-math-prm': qwenMathPrm,
  'math-shepherd': mathShepherd,
  rlhflow,
  'skywork-o1': skyworkO1,
  outcome,
};

/**
 * The default family of that name. Variants (Math-Shepherd over prompt logprobs, RLHFlow without
 * the 3.1 system header, Skywork options) come from the `create…Family` factories.
 */
export function getPrmFamily(name: PrmFamilyName): PrmFamily {
  return FAMILIES[name];
}

/** Type guard for config parsing. */
export function isPrmFamilyName(value: string): value is PrmFamilyName {
  return (PRM_FAMILY_NAMES as readonly string[]).includes(value);
}
