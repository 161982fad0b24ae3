/**
 * Where the server's logs go: stdout in batches (see `createLogOutput`), or readable lines at a
 * terminal (`server.log_format`, see ./pretty-log-destination.ts).
 */
import pino from 'pino';
import {
  createPrettyLogDestination,
  hasColor,
  isPrettyLog,
  type LogFormat,
} from './pretty-log-destination';

/** Log lines wait at most this long in the buffer when traffic is too light to fill it. */
const LOG_FLUSH_INTERVAL_MS = 200;

/**
 * stdout for the logs, written in batches of ~4 KB (and at least every 200 ms) rather than one
 * write per line: the per-request access line's own write was ~11% of the proxy's CPU on a plain
 * passthrough. Writes stay synchronous and the rest is written on close and at process exit
 * (a crash included); only a kill that skips 'exit' (SIGKILL, abort) loses the last ≤ 200 ms.
 */
export type LogOutput = ReturnType<typeof createLogOutput>;

export function createLogOutput(format: LogFormat = 'json'): {
  destination: pino.DestinationStream;
  flush: () => void;
  stop: () => void;
} {
  if (isPrettyLog(format))
    return {
      destination: createPrettyLogDestination({ hasColor: hasColor(process.env, process.stdout) }),
      flush: () => {},
      stop: () => {},
    };
  const destination = pino.destination({ dest: 1, minLength: 4096, sync: true });
  const flush = (): void => {
    try {
      destination.flushSync();
    } catch {
      // stdout already gone: nobody is left to read the lines.
    }
  };
  // flush() without a callback writes the buffer without an fsync (flushSync ends with one,
  // a blocking disk flush when stdout is a file); the timer runs 5 times a second.
  const timer = setInterval(() => {
    try {
      destination.flush();
    } catch {
      // as above
    }
  }, LOG_FLUSH_INTERVAL_MS);
  timer.unref();
  process.on('exit', flush);
  return {
    destination,
    flush,
    stop: () => {
      clearInterval(timer);
      process.off('exit', flush);
    },
  };
}
