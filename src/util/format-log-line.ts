/**
 * One pino JSON log line as a line for people at a terminal:
 * `12:03:04.567 INFO  request completed  method=POST url=/v1/chat/completions status=200`.
 * Used only when stdout is a TTY (or `server.log_format: pretty`); pipes and files get pino's JSON.
 * Written here rather than taking pino-pretty, whose transport and dependency tree are far larger
 * than the dozen fields we print.
 */

const LEVEL_NAMES: Readonly<Record<number, string>> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};

/** ANSI colours per level: grey, grey, green, yellow, red, red. */
const LEVEL_COLORS: Readonly<Record<number, string>> = {
  10: '\x1b[90m',
  20: '\x1b[90m',
  30: '\x1b[32m',
  40: '\x1b[33m',
  50: '\x1b[31m',
  60: '\x1b[31m',
};
const RESET = '\x1b[0m';

/** Fields every line carries that say nothing to a person watching one process. */
const OMITTED = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'service', 'err']);

export interface FormatLogLineOptions {
  /** ANSI colours on the level (off for NO_COLOR or a dumb terminal). */
  hasColor: boolean;
}

function clock(time: unknown): string {
  if (typeof time !== 'number') return '--:--:--.---';
  return new Date(time).toISOString().slice(11, 23);
}

function formatValue(value: unknown): string {
  if (typeof value === 'string') return /[\s"=]/.test(value) ? JSON.stringify(value) : value;
  return JSON.stringify(value) ?? String(value);
}

function formatError(error: unknown): string {
  if (typeof error !== 'object' || error === null) return '';
  const { stack, message } = error as { stack?: unknown; message?: unknown };
  const text = typeof stack === 'string' ? stack : typeof message === 'string' ? message : '';
  return text === '' ? '' : `\n    ${text.split('\n').join('\n    ')}`;
}

/** Formats one JSON log line; a line that is not a JSON object is passed through unchanged. */
export function formatLogLine(line: string, options: FormatLogLineOptions): string {
  let record: unknown;
  try {
    record = JSON.parse(line);
  } catch {
    return line.endsWith('\n') ? line : `${line}\n`;
  }
  if (typeof record !== 'object' || record === null || Array.isArray(record))
    return line.endsWith('\n') ? line : `${line}\n`;
  const fields = record as Record<string, unknown>;
  const levelNumber = typeof fields.level === 'number' ? fields.level : 30;
  const name = (LEVEL_NAMES[levelNumber] ?? String(levelNumber)).padEnd(5);
  const level = options.hasColor ? `${LEVEL_COLORS[levelNumber] ?? ''}${name}${RESET}` : name;
  const message = typeof fields.msg === 'string' ? fields.msg : '';
  const rest = Object.entries(fields)
    .filter(([key]) => !OMITTED.has(key))
    .map(([key, value]) => `${key}=${formatValue(value)}`)
    .join(' ');
  const head = `${clock(fields.time)} ${level} ${message}`;
  return `${rest === '' ? head : `${head}  ${rest}`}${formatError(fields.err)}\n`;
}
