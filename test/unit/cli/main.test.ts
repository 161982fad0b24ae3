import { COMMAND_SPECS, runCli } from '../../../src/cli/main';

class ExitCalled extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

interface CliRun {
  stdout: string;
  stderr: string;
  exitCode: number | undefined;
}

/** Runs the CLI in-process; process.exit becomes a thrown ExitCalled so nothing really exits. */
async function run(argv: string[]): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const spies = [
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out.push(String(chunk));
      return true;
    }),
    jest.spyOn(console, 'error').mockImplementation((...parts: unknown[]) => {
      err.push(parts.map(String).join(' '));
    }),
    jest.spyOn(process, 'exit').mockImplementation((code?: string | number | null) => {
      throw new ExitCalled(Number(code ?? 0));
    }),
  ];
  let exitCode: number | undefined;
  try {
    await runCli(argv);
  } catch (error) {
    if (!(error instanceof ExitCalled)) throw error;
    exitCode = error.code;
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
  return { stdout: out.join(''), stderr: err.join('\n'), exitCode };
}

describe('runCli --help', () => {
  it('lists every command, with or without the help word', async () => {
    for (const argv of [['--help'], ['help'], ['-h']]) {
      const { stdout, exitCode } = await run(argv);
      expect(exitCode).toBeUndefined();
      expect(stdout).toMatch(/^tts-proxy <command> \[options\]/);
      for (const spec of COMMAND_SPECS) expect(stdout).toContain(`  ${spec.name} `);
    }
  });

  it('gives every command its own help listing all its flags, and starts nothing', async () => {
    for (const spec of COMMAND_SPECS) {
      for (const argv of [
        [spec.name, '--help'],
        ['help', spec.name],
      ]) {
        // A server or simulator started here would keep the test process busy.
        const { stdout, exitCode } = await run(argv);
        expect(exitCode).toBeUndefined();
        expect(stdout.startsWith(`tts-proxy ${spec.name} `)).toBe(true);
        for (const flag of spec.flags) expect(stdout).toContain(`--${flag.name}`);
        expect(stdout).toContain('--help');
      }
    }
  });
});

describe('runCli flag errors', () => {
  it('refuses a misspelt flag, naming it and the likely flag (serve --prot used to start on 8080)', async () => {
    const { exitCode, stderr } = await run(['serve', '--prot', '8093']);
    expect(exitCode).toBe(2);
    expect(stderr).toMatch(/serve: unknown flag --prot — did you mean --port\?/);
  });

  it('refuses a bad value with a message, not a stack trace', async () => {
    const { exitCode, stderr } = await run(['serve', '--port', 'abc']);
    expect(exitCode).toBe(2);
    expect(stderr).toMatch(/--port expects an integer from 0 to 65535, got 'abc'/);
    expect(stderr).not.toMatch(/this is a bug|\n\s+at /);
    expect((await run(['--port', '70000'])).stderr).toMatch(/--port expects an integer/);
    expect((await run(['sim', '--quality', '2'])).stderr).toMatch(/--quality expects a number/);
  });

  it('refuses an unknown flag on every command before running it', async () => {
    for (const spec of COMMAND_SPECS) {
      const { exitCode, stderr } = await run([spec.name, '--no-such-flag']);
      expect(exitCode).toBe(2);
      expect(stderr).toContain(`${spec.name}: unknown flag --no-such-flag`);
    }
  });

  it('refuses a missing value, a stray argument and an unknown command', async () => {
    expect((await run(['serve', '--config'])).stderr).toMatch(/--config expects a value/);
    expect((await run(['serve', 'config.yaml'])).stderr).toMatch(
      /serve: unexpected argument 'config.yaml'/,
    );
    const unknown = await run(['serv']);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command 'serv'/);
  });
});
