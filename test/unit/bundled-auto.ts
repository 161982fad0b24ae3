/** `auto` as a served model gets it without a calibrated table: the bundled config/strategy.yaml. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { AutoSettings } from '../../src/pipeline';
import { parseStrategyTable } from '../../src/select';

export const BUNDLED_AUTO: AutoSettings = {
  table: parseStrategyTable(
    readFileSync(path.resolve(__dirname, '../../config/strategy.yaml'), 'utf8'),
  ),
  earlyStop: { kind: 'beta', confidence: 0.95, minSamples: 4 },
  batchGrowth: 2,
  defaultM: 4,
};
