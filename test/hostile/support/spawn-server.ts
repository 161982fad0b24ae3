/** The real CLI (`tts-proxy serve`) as a child process, for signal and exit-code tests. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  /** Parsed JSON log lines so far. */
  lines: Record<string, unknown>[];
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
}

export async function spawnServer(
  env: Record<string, string>,
  options: { keepLines?: boolean } = {},
): Promise<ServerProcess> {
  const child = spawn(
    process.execPath,
    [
      '-r',
      path.join(__dirname, 'register-ts.cjs'),
      '-e',
      "require('./src/cli/main.ts').runCli(['serve', '--port', '0'])",
    ],
    {
      cwd: ROOT,
      env: { ...process.env, TTS_PROXY__SERVER__HOST: '127.0.0.1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const lines: Record<string, unknown>[] = [];
  let pending = '';
  let onListening: (url: string) => void = () => undefined;
  const listening = new Promise<string>((resolve) => (onListening = resolve));
  child.stdout?.on('data', (chunk: Buffer) => {
    pending += chunk.toString('utf8');
    let cut = pending.indexOf('\n');
    while (cut >= 0) {
      const text = pending.slice(0, cut);
      pending = pending.slice(cut + 1);
      cut = pending.indexOf('\n');
      try {
        const line = JSON.parse(text) as Record<string, unknown>;
        if (options.keepLines !== false) lines.push(line);
        if (typeof line.url === 'string' && String(line.msg).startsWith('tts-proxy listening'))
          onListening(line.url);
      } catch {
        // not a log line
      }
    }
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  const url = await Promise.race([
    listening,
    exited.then((code) => {
      throw new Error(`server exited (${code}) before listening: ${stderr.slice(0, 2000)}`);
    }),
  ]);
  return { child, url, lines, exited };
}
