/**
 * Parent side of the child protocol: fork a compiled child script, wait for `ready`, call its
 * methods, stop it (cleanly, then by force).
 */
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { openSync } from 'node:fs';
import path from 'node:path';
import { isChildMessage } from './child-protocol';

export interface BenchChild {
  name: string;
  pid: number;
  urls: Record<string, string>;
  call<T>(method: string): Promise<T>;
  stop(): Promise<void>;
  /** The last lines the child wrote to stderr (for failure reports). */
  stderrTail(): string;
}

export interface SpawnOptions {
  name: string;
  /** Script path relative to the compiled `test/bench/children/` folder, e.g. `sim-child.js`. */
  script: string;
  env?: Record<string, string>;
  execArgv?: string[];
  /** Working directory (profilers write their files there). */
  cwd?: string;
  readyTimeoutMs?: number;
  /** CPU list for `taskset` (e.g. "0"); all threads of the child are pinned right after fork. */
  cpus?: string;
  /** Append the child's stdout to this file instead of dropping it (V8's `--trace-gc` lines). */
  stdoutFile?: string;
}

/**
 * Set the Linux scheduling policy of a process, all its threads (`chrt -a`): `idle` is
 * `SCHED_IDLE` (it gives way at once to any normal task that wakes on its CPU), `other` the
 * default. False when chrt is unavailable or refused.
 */
export function setSchedulingPolicy(pid: number, policy: 'idle' | 'other'): boolean {
  try {
    execFileSync('chrt', ['-a', policy === 'idle' ? '-i' : '-o', '-p', '0', String(pid)], {
      stdio: 'ignore',
    });
    return true;
  } catch {
    return false;
  }
}

/** Pin a process (all its threads) to `cpus`; false when taskset is unavailable. */
export function pinProcess(pid: number, cpus: string): boolean {
  try {
    execFileSync('taskset', ['-a', '-p', '-c', cpus, String(pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const STDERR_KEEP = 8_000;

export async function spawnChild(options: SpawnOptions): Promise<BenchChild> {
  const script = path.resolve(__dirname, '..', 'children', options.script);
  // stdout (pino's JSON logs for the proxy) goes to /dev/null: the child still pays for
  // serialising and writing them, like production, and the parent pays nothing for reading.
  const child: ChildProcess = fork(script, [], {
    env: { ...process.env, ...options.env },
    execArgv: options.execArgv ?? [],
    ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
    stdio: [
      'ignore',
      options.stdoutFile === undefined ? 'ignore' : openSync(options.stdoutFile, 'a'),
      'pipe',
      'ipc',
    ],
  });
  if (options.cpus !== undefined && child.pid !== undefined) pinProcess(child.pid, options.cpus);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_KEEP);
  });
  let nextId = 1;
  const pending = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (error: Error) => void }
  >();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const urls = await new Promise<Record<string, string>>((resolve, reject) => {
    const timer = setTimeout(
      () =>
        reject(
          new Error(
            `${options.name}: not ready after ${options.readyTimeoutMs ?? 30_000} ms\n${stderr}`,
          ),
        ),
      options.readyTimeoutMs ?? 30_000,
    );
    child.on('message', (message: unknown) => {
      if (!isChildMessage(message)) return;
      if (message.type === 'ready') {
        clearTimeout(timer);
        resolve(message.urls);
        return;
      }
      const waiter = pending.get(message.id);
      if (!waiter) return;
      pending.delete(message.id);
      if (message.error !== undefined)
        waiter.reject(new Error(`${options.name}.${message.id}: ${message.error}`));
      else waiter.resolve(message.result);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${options.name} exited with code ${code} before it was ready\n${stderr}`));
    });
  });
  if (child.pid === undefined) throw new Error(`${options.name}: no pid`);
  const pid = child.pid;

  return {
    name: options.name,
    pid,
    urls,
    call<T>(method: string): Promise<T> {
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        pending.set(id, { resolve: (value) => resolve(value as T), reject });
        child.send({ type: 'call', id, method });
      });
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      if (child.connected) child.send({ type: 'stop' });
      const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(force);
    },
    stderrTail: () => stderr,
  };
}
