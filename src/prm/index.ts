/**
 * @module prm — one file per process-reward-model family: render the exact PRM input for a path
 * and read one score in [0, 1] per step back from the raw upstream output. Pure: no I/O, no
 * clocks, no `process`. May import `prompt`, `util` and `errors`; the HTTP backends that move the
 * bytes live in `upstream/`.
 */
export type {
  PrmFamily,
  PrmFamilyName,
  PrmInput,
  PrmReadout,
  ReadScoresContext,
  SpecialToken,
} from './prm-family';
export { getPrmFamily, isPrmFamilyName, PRM_FAMILY_NAMES } from './families';
export { qwenMathPrm } from './qwen-math-prm';
export { createMathShepherdFamily, mathShepherd, type MathShepherdOptions } from './math-shepherd';
export { createRlhflowFamily, rlhflow, type RlhflowOptions } from './rlhflow';
export { createSkyworkO1Family, skyworkO1, type SkyworkO1Options } from './skywork-o1';
export { outcome } from './outcome';
export { truncateLeft, type TruncateLeftOptions, type TruncateLeftResult } from './truncate-left';
export { applyTokenSwaps } from './apply-token-swaps';
export {
  preparePrmTokens,
  type PreparePrmTokensOptions,
  type PreparedPrmTokens,
} from './prepare-prm-tokens';
export { removeReservedText } from './sanitize-text';
export { LabelOutsideTopLogprobsError } from './label-outside-top-logprobs-error';
export {
  configurePrmFamily,
  defaultPrmReadout,
  PRM_READOUTS,
  type ConfiguredPrmFamily,
  type PrmReadoutRoute,
} from './configure-family';
