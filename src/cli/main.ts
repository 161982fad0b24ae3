/**
 * The `tts-proxy` CLI: `serve` (default), `sim`, `extract`, `grade`, `vote`, `eval`, `calibrate`.
 * Each command declares its flags once (usage, parsing and `--help` come from that list).
 * Commands throw; this entry point alone decides exit codes: ConfigError (a bad flag, env var or
 * config field) -> 2, other TtsError -> 1 with its message, anything else -> 1 with the stack
 * ("this is a bug").
 */
import { ConfigError, TtsError } from '../errors';
import {
  expectNoPositionals,
  formatCommandHelp,
  parseCommandArgs,
  type CommandSpec,
  type ParsedArgs,
} from './args';
import { CALIBRATE_COMMAND, calibrateCommand } from './commands/calibrate';
import { EVAL_COMMAND, evalCommand } from './commands/eval';
import {
  EXTRACT_COMMAND,
  GRADE_COMMAND,
  VOTE_COMMAND,
  extractCommand,
  gradeCommand,
  voteCommand,
} from './commands/json-lines-commands';
import { SERVE_COMMAND, serveCommand } from './commands/serve';
import { SIM_COMMAND, simCommand } from './commands/sim';

interface Command {
  spec: CommandSpec;
  run: (args: ParsedArgs) => Promise<void>;
}

const COMMANDS: readonly Command[] = [
  { spec: SERVE_COMMAND, run: serveCommand },
  { spec: SIM_COMMAND, run: simCommand },
  { spec: EXTRACT_COMMAND, run: extractCommand },
  { spec: GRADE_COMMAND, run: gradeCommand },
  { spec: VOTE_COMMAND, run: voteCommand },
  { spec: EVAL_COMMAND, run: evalCommand },
  { spec: CALIBRATE_COMMAND, run: calibrateCommand },
];

/** Every command's flag list (for tests and docs). */
export const COMMAND_SPECS: readonly CommandSpec[] = COMMANDS.map((command) => command.spec);

/** The text of `tts-proxy --help`: every command with its one-line summary. */
export function formatUsage(): string {
  const width = Math.max(...COMMANDS.map((command) => command.spec.name.length)) + 2;
  const lines = COMMANDS.map(({ spec }) => `  ${spec.name.padEnd(width)}${spec.summary}`);
  return `tts-proxy <command> [options]

Commands:
${lines.join('\n')}

Run 'tts-proxy <command> --help' for a command's flags. Without a command, serve runs.
`;
}

function findCommand(name: string): Command {
  const command = COMMANDS.find((candidate) => candidate.spec.name === name);
  if (command === undefined)
    throw new ConfigError('', `unknown command '${name}'\n\n${formatUsage()}`);
  return command;
}

/** Parses the command line and runs the command; `--help` prints and starts nothing. */
async function dispatch(argv: readonly string[]): Promise<void> {
  const first = argv[0];
  if (first === undefined || first.startsWith('-')) {
    // No command: `tts-proxy --help` lists the commands; `tts-proxy --port 9000` serves.
    if (first === '--help' || first === '-h') {
      process.stdout.write(formatUsage());
      return;
    }
    return dispatchCommand(findCommand('serve'), argv);
  }
  if (first === 'help') {
    const topic = argv[1];
    process.stdout.write(
      topic === undefined ? formatUsage() : formatCommandHelp(findCommand(topic).spec),
    );
    return;
  }
  return dispatchCommand(findCommand(first), argv.slice(1));
}

async function dispatchCommand(command: Command, argv: readonly string[]): Promise<void> {
  const args = parseCommandArgs(command.spec, argv);
  if (args.flags.has('help')) {
    process.stdout.write(formatCommandHelp(command.spec));
    return;
  }
  expectNoPositionals(command.spec, args);
  await command.run(args);
}

export async function runCli(argv: readonly string[]): Promise<void> {
  try {
    await dispatch(argv);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`tts-proxy: ${error.message}`);
      process.exit(2);
    }
    if (error instanceof TtsError) {
      console.error(`tts-proxy: ${error.message}`);
      process.exit(1);
    }
    console.error(error);
    console.error('tts-proxy: unexpected error — this is a bug, please report it');
    process.exit(1);
  }
}
