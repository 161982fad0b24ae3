/**
 * Command-line flags: each subcommand declares its flags once ({@link CommandSpec}); the same list
 * parses the command line (node:util parseArgs in strict mode), checks every value's kind, and
 * prints the command's `--help`. An unknown flag, a missing value or a bad number is a
 * ConfigError naming the flag — never a silent default (`serve --prot 8093` used to start on 8080).
 */
import { parseArgs as parseNodeArgs } from 'node:util';
import { ConfigError } from '../errors';
import { closestName } from '../util';

/** How a flag's value is checked: `integer` and `number` may carry bounds. */
export type FlagKind = 'string' | 'number' | 'integer' | 'boolean';

export interface FlagSpec {
  /** Without the dashes: `port` for `--port`. */
  name: string;
  kind: FlagKind;
  /** Placeholder in the help, e.g. `FILE`, `N`, `LIST` (none for booleans). */
  placeholder?: string;
  description: string;
  min?: number;
  max?: number;
}

export interface CommandSpec {
  name: string;
  /** One line for the command list of `tts-proxy --help`. */
  summary: string;
  /** The usage line's tail after `tts-proxy <name>`, e.g. `--dataset FILE --out DIR [options]`. */
  usage: string;
  /** Paragraph(s) printed between the usage line and the flags. */
  description?: string;
  flags: readonly FlagSpec[];
}

export interface ParsedArgs {
  /** Arguments that are not flags (the command name first, when given). */
  positional: string[];
  /** Flags given, by name: the raw string value, or `true` for a boolean flag. */
  flags: Map<string, string | true>;
}

const HELP_FLAG: FlagSpec = {
  name: 'help',
  kind: 'boolean',
  description: 'show this help (also -h)',
};

function flagsOf(spec: CommandSpec): readonly FlagSpec[] {
  return [...spec.flags, HELP_FLAG];
}

function usageError(spec: CommandSpec, message: string): ConfigError {
  return new ConfigError('', `${spec.name}: ${message} (see tts-proxy ${spec.name} --help)`);
}

/** Turns node:util's parse errors into messages that name the flag and the command. */
function explainParseError(spec: CommandSpec, error: unknown): ConfigError {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown }).code;
  const flag = /'(-{1,2}[^' <]+)/.exec(message)?.[1] ?? '';
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const known = flagsOf(spec).map((f) => f.name);
    const guess = closestName(flag.replace(/^-+/, ''), known);
    const hint = guess === undefined ? '' : ` — did you mean --${guess}?`;
    return usageError(spec, `unknown flag ${flag}${hint}`);
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    if (/does not take an argument/.test(message))
      return usageError(spec, `${flag} takes no value`);
    return usageError(
      spec,
      `${flag} expects a value (write ${flag}=VALUE for a value that starts with '-')`,
    );
  }
  return usageError(spec, message);
}

function checkValue(spec: CommandSpec, flag: FlagSpec, value: string): void {
  if (flag.kind === 'string' || flag.kind === 'boolean') return;
  const n = value.trim() === '' ? Number.NaN : Number(value);
  const wanted =
    flag.kind === 'number'
      ? 'a number'
      : flag.min === 1 && flag.max === undefined
        ? 'a positive integer'
        : 'an integer';
  const ok = flag.kind === 'integer' ? Number.isInteger(n) : Number.isFinite(n);
  const inRange =
    (flag.min === undefined || n >= flag.min) && (flag.max === undefined || n <= flag.max);
  if (ok && inRange) return;
  const range =
    wanted === 'a positive integer'
      ? ''
      : flag.min !== undefined && flag.max !== undefined
        ? ` from ${flag.min} to ${flag.max}`
        : flag.min !== undefined
          ? ` ≥ ${flag.min}`
          : flag.max !== undefined
            ? ` ≤ ${flag.max}`
            : '';
  throw usageError(spec, `--${flag.name} expects ${wanted}${range}, got '${value}'`);
}

/**
 * Parses `argv` (the command name may come first) against the command's flags.
 * @throws ConfigError naming the flag: unknown flag, missing value, value of the wrong kind.
 */
export function parseCommandArgs(spec: CommandSpec, argv: readonly string[]): ParsedArgs {
  const flags = flagsOf(spec);
  const options: Record<string, { type: 'boolean' | 'string'; short?: string }> =
    Object.fromEntries(
      flags.map((flag) => [flag.name, { type: flag.kind === 'boolean' ? 'boolean' : 'string' }]),
    );
  options.help = { type: 'boolean', short: 'h' };
  let parsed: ReturnType<typeof parseNodeArgs>;
  try {
    parsed = parseNodeArgs({ args: [...argv], options, strict: true, allowPositionals: true });
  } catch (error) {
    throw explainParseError(spec, error);
  }
  const result: ParsedArgs = { positional: parsed.positionals, flags: new Map() };
  for (const flag of flags) {
    const value = parsed.values[flag.name];
    if (value === undefined || value === false) continue;
    if (typeof value === 'string') checkValue(spec, flag, value);
    result.flags.set(flag.name, value === true ? true : String(value));
  }
  return result;
}

/** Refuses positional arguments beyond the command name (a stray word is usually a typo). */
export function expectNoPositionals(spec: CommandSpec, args: ParsedArgs): void {
  const extra = args.positional.filter((word, index) => !(index === 0 && word === spec.name));
  if (extra.length > 0) throw usageError(spec, `unexpected argument '${extra[0] as string}'`);
}

/** The text of `tts-proxy <command> --help`: usage, description, every flag. */
export function formatCommandHelp(spec: CommandSpec): string {
  const rows = flagsOf(spec).map((flag) => ({
    left: `--${flag.name}${flag.placeholder ? ` ${flag.placeholder}` : ''}`,
    right: flag.description,
  }));
  const width = Math.max(...rows.map((row) => row.left.length)) + 2;
  const lines = rows.map((row) => {
    const [first, ...rest] = row.right.split('\n');
    const pad = ' '.repeat(2 + width);
    return [`  ${row.left.padEnd(width)}${first ?? ''}`, ...rest.map((line) => pad + line)].join(
      '\n',
    );
  });
  const description = spec.description ? `\n${spec.description.trimEnd()}\n` : '';
  return `tts-proxy ${spec.name} ${spec.usage}\n\n${spec.summary}\n${description}\nOptions:\n${lines.join('\n')}\n`;
}

export function stringFlag(args: ParsedArgs, name: string): string | undefined {
  const value = args.flags.get(name);
  if (value === true) throw new ConfigError('', `--${name} expects a value`);
  return value;
}

/** A numeric flag's value (already checked by {@link parseCommandArgs}), or the fallback. */
export function numberFlag(args: ParsedArgs, name: string, fallback: number): number {
  const value = stringFlag(args, name);
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new ConfigError('', `--${name} expects a number, got '${value}'`);
  return n;
}
