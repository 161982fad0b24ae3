/**
 * A served model as the pipeline and the adapters see it, for unit tests: a test overrides only
 * the fields it is about. `auto` is what a served model gets without a calibrated table: the
 * bundled config/strategy.yaml.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { AutoSettings, ModelInfo, PrmInfo } from '../../src/pipeline';
import { parseStrategyTable } from '../../src/select';

export const BUNDLED_AUTO: AutoSettings = {
  table: parseStrategyTable(
    readFileSync(path.resolve(__dirname, '../../config/strategy.yaml'), 'utf8'),
  ),
  earlyStop: { kind: 'beta', confidence: 0.95, minSamples: 4 },
  batchGrowth: 2,
  defaultM: 4,
};

/** A Qwen2.5-Math-PRM as the config describes it. */
export const TEST_PRM: PrmInfo = {
  name: 'prm',
  family: 'qwen2.5-math-prm',
  paramsB: 7,
  aggregation: 'last',
  vote: 'prm_vote',
};

/** A 1.5B Qwen2.5 policy without a PRM, the paper's sampling, the bundled auto table. */
export function testModelInfo(overrides: Partial<ModelInfo> = {}): ModelInfo {
  return {
    name: 'toy',
    servedName: 'sim-toy',
    paramsB: 1.5,
    family: 'qwen2.5',
    prm: null,
    isSimulated: true,
    auto: BUNDLED_AUTO,
    sampling: {
      temperature: 0.7,
      topP: 1,
      cotTemperature: 0,
      cotTopP: 1,
      maxTokensPerStep: 2048,
      maxTotalTokens: 8192,
      maxDepth: 40,
    },
    ...overrides,
  };
}
