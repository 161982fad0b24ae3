import { runCli } from '../../../src/cli/main';

describe('tts-proxy --help', () => {
  it('prints the usage and starts nothing, with or without a command', async () => {
    const written: string[] = [];
    const spy = jest
      .spyOn(process.stdout, 'write')
      .mockImplementation((chunk: string | Uint8Array) => {
        written.push(String(chunk));
        return true;
      });
    try {
      for (const argv of [['--help'], ['serve', '--help'], ['sim', '--help'], ['help']]) {
        written.length = 0;
        // A server would keep this promise's process busy and never print the usage.
        await runCli(argv);
        expect(written.join('')).toMatch(/^tts-proxy <command> \[options\]/);
        expect(written.join('')).toMatch(/calibrate/);
      }
    } finally {
      spy.mockRestore();
    }
  });
});
