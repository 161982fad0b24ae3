import { ConfigError } from '../../../src/errors';
import { parseCommandArgs } from '../../../src/cli/args';
import { CALIBRATE_COMMAND, calibrateCommand } from '../../../src/cli/commands/calibrate';

// Flag errors are thrown before anything is read or started, so no dataset or server is needed.
async function errorOf(line: string): Promise<ConfigError> {
  try {
    await calibrateCommand(parseCommandArgs(CALIBRATE_COMMAND, line.split(' ')));
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`expected a ConfigError for: ${line}`);
}

describe('calibrate flags', () => {
  it('names the bad flag', async () => {
    expect((await errorOf('calibrate --out t.yaml')).message).toMatch(/--dataset/);
    expect((await errorOf('calibrate --dataset d.jsonl')).message).toMatch(/--out/);
    expect((await errorOf('calibrate --dataset d.jsonl --out t.yaml --limit 0')).message).toMatch(
      /--limit.*positive integer/,
    );
    expect(
      (await errorOf('calibrate --dataset d.jsonl --out t.yaml --methods best_of_n,tree')).message,
    ).toMatch(/--methods.*unknown method 'tree'/);
  });
});
