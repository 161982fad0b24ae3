/**
 * Where the logs go: pino's JSON to stdout in batches (see ./log-output.ts) for pipes,
 * files and log collectors, or one readable line per record, written at once, for a person
 * watching a terminal. `server.log_format` picks; `auto` asks whether stdout is a TTY.
 */
import { writeSync } from 'node:fs';
import type { DestinationStream } from 'pino';
import { formatLogLine } from '../util';

export type LogFormat = 'auto' | 'json' | 'pretty';

/** Whether the logs are for people: `pretty`, or `auto` with stdout a terminal. */
export function isPrettyLog(
  format: LogFormat,
  stdout: { isTTY?: boolean } = process.stdout,
): boolean {
  return format === 'pretty' || (format === 'auto' && stdout.isTTY === true);
}

/** Colours unless NO_COLOR is set (https://no-color.org) or the terminal is dumb. */
export function hasColor(env: NodeJS.ProcessEnv, stdout: { isTTY?: boolean }): boolean {
  return stdout.isTTY === true && env.NO_COLOR === undefined && env.TERM !== 'dumb';
}

/**
 * A pino destination writing each record as a readable line to file descriptor `fd`,
 * synchronously: a terminal shows every line at once and nothing is left to flush at exit.
 */
export function createPrettyLogDestination(
  options: { fd?: number; hasColor?: boolean; write?: (text: string) => void } = {},
): DestinationStream {
  const fd = options.fd ?? 1;
  const write = options.write ?? ((text: string) => void writeSync(fd, text));
  const formatOptions = { hasColor: options.hasColor ?? false };
  return {
    write(line: string): void {
      try {
        write(formatLogLine(line, formatOptions));
      } catch {
        // The terminal is gone: nobody is left to read the line.
      }
    },
  };
}
