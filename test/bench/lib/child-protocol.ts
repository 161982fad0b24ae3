/**
 * The IPC protocol between the bench parent and its child processes (simulators, proxy, bare
 * hop). A child announces `ready` with its URLs, answers `call` messages by id, and exits
 * cleanly on `stop` (so `--cpu-prof` can write its profile).
 */
import { startGcLedger } from './gc-control';

export interface ReadyMessage {
  type: 'ready';
  urls: Record<string, string>;
}

export interface CallMessage {
  type: 'call';
  id: number;
  method: string;
}

export interface CallResultMessage {
  type: 'call-result';
  id: number;
  result?: unknown;
  error?: string;
}

export interface StopMessage {
  type: 'stop';
}

export type ParentMessage = CallMessage | StopMessage;
export type ChildMessage = ReadyMessage | CallResultMessage;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

export function isParentMessage(value: unknown): value is ParentMessage {
  return (
    isRecord(value) &&
    (value.type === 'stop' ||
      (value.type === 'call' && typeof value.id === 'number' && typeof value.method === 'string'))
  );
}

export function isChildMessage(value: unknown): value is ChildMessage {
  return (
    isRecord(value) &&
    (value.type === 'ready' || (value.type === 'call-result' && typeof value.id === 'number'))
  );
}

/**
 * Child side: announce readiness, serve calls, and on `stop` (or a closed IPC channel) run
 * `close` and exit 0. Every child also serves `gcStats` (its collections since it started,
 * lib/gc-control.ts), so the parent can count the collections a measured window paid for.
 */
export function serveChild(
  urls: Record<string, string>,
  methods: Record<string, () => unknown>,
  close: () => Promise<void>,
): void {
  const ledger = startGcLedger();
  const served: Record<string, () => unknown> = {
    gcStats: () => ledger.read(),
    ...methods,
  };
  const send = (message: ChildMessage): void => {
    if (process.connected) process.send?.(message);
  };
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    const force = setTimeout(() => process.exit(0), 5_000);
    force.unref();
    void close()
      .catch(() => undefined)
      .then(() => process.exit(0));
  };
  process.on('message', (message: unknown) => {
    if (!isParentMessage(message)) return;
    if (message.type === 'stop') {
      stop();
      return;
    }
    const method = served[message.method];
    if (!method) {
      send({ type: 'call-result', id: message.id, error: `unknown method ${message.method}` });
      return;
    }
    Promise.resolve()
      .then(method)
      .then(
        (result) => send({ type: 'call-result', id: message.id, result }),
        (error: unknown) =>
          send({
            type: 'call-result',
            id: message.id,
            error: error instanceof Error ? error.message : String(error),
          }),
      );
  });
  process.on('disconnect', stop);
  process.on('SIGTERM', stop);
  send({ type: 'ready', urls });
}
