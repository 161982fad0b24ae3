/** @module select — compute-optimal method selection. Pure: no I/O, no config loading. */
export { chooseStrategy } from './choose-strategy';
export type { StrategyChoice, ChooseStrategyInput, PolicyFamily, PrmFamilyName, VoteName } from './choose-strategy';
