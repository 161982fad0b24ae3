/**
 * The `tts-proxy` CLI: `serve` (default), `sim`, `extract`, `grade`, `vote`, `eval`, `calibrate`. Commands throw; this
 * entry point alone decides exit codes: ConfigError -> 2, other TtsError -> 1 with its message,
 * anything else -> 1 with the stack ("this is a bug").
 */
import path from 'node:path';
import { ConfigError, TtsError } from '../errors';
import { parseArgs, numberFlag, stringFlag, type ParsedArgs } from './args';
import { mapJsonLines, openInput } from './jsonl';
import { extractLine, gradeLine } from './commands/answer-tools';
import { createVoteLine, parseSquash } from './commands/vote-command';
import { calibrateCommand } from './commands/calibrate';
import { evalCommand } from './commands/eval';
import { startServer } from '../app';
import { startSimulator } from '../sim';

const USAGE = `tts-proxy <command> [options]

Commands:
  serve      start the proxy (default). --config FILE (env TTS_PROXY_CONFIG, default config/default.yaml), --port N
  sim        start a simulated vLLM policy and PRM server pair. --policy-port N --prm-port N --params-b B --seed S --quality Q
  extract    JSON lines {"text"} -> {"answer"}            (stdin or --file F)
  grade      JSON lines {"gold","pred"} -> {"equal","pred_answer","gold_answer"}
  vote       JSON lines {"candidates":[{"text","step_scores"|"score"}]} -> {"answers":{majority, prm_min_max, ...}}
             scores: any finite number (probabilities or raw reward logits), null/absent = no score;
             --squash sigmoid sums sigmoid(score) for PRM-Vote (PRM-Max is unchanged by any squash)
  eval       A/B TTS arms vs CoT on a dataset through the proxy -> results.jsonl, summary.json, report.html (eval --help)
  calibrate  measure every method x budget on a labelled dev set and write a strategy table for auto (calibrate --help)
`;

function defaultConfigPath(): string {
  return path.resolve(__dirname, '..', '..', 'config', 'default.yaml');
}

async function serve(args: ParsedArgs): Promise<void> {
  const configPath =
    stringFlag(args, 'config') ?? process.env.TTS_PROXY_CONFIG ?? defaultConfigPath();
  const portFlag = stringFlag(args, 'port');
  const running = await startServer({
    configPath,
    ...(portFlag !== undefined ? { port: Number(portFlag) } : {}),
  });
  let stopping = false;
  const drainMs = running.config.server.drain_timeout_ms;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    running.logger.info(
      { signal, drainTimeoutMs: drainMs },
      'shutting down: no new connections, draining in-flight requests',
    );
    // Only if closing itself hangs (the drain is bounded by drainMs): exit non-zero after it.
    const force = setTimeout(() => process.exit(1), drainMs + 10_000);
    force.unref();
    void running.close().then(
      (report) => {
        running.logger.info(report, report.cut > 0 ? 'stopped; requests were cut' : 'stopped');
        running.flushLogs();
        // A drain that had to cut requests is a failed shutdown: say so to the supervisor.
        process.exit(report.cut > 0 ? 1 : 0);
      },
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  // A closed terminal or session: stop as gracefully as for SIGTERM.
  process.on('SIGHUP', () => stop('SIGHUP'));
}

async function sim(args: ParsedArgs): Promise<void> {
  const seed = numberFlag(args, 'seed', 1234);
  const host = stringFlag(args, 'host') ?? '127.0.0.1';
  const log = (line: string): void => console.error(line);
  const policy = await startSimulator({
    role: 'policy',
    seed,
    host,
    port: numberFlag(args, 'policy-port', 8001),
    log,
    model: {
      servedName: stringFlag(args, 'policy-model') ?? 'sim-qwen2.5-1.5b-instruct',
      paramsB: numberFlag(args, 'params-b', 1.5),
      family: 'qwen2.5',
    },
  });
  const prm = await startSimulator({
    role: 'prm',
    seed: seed + 1,
    host,
    port: numberFlag(args, 'prm-port', 8002),
    log,
    model: {
      servedName: stringFlag(args, 'prm-model') ?? 'sim-qwen2.5-math-prm-7b',
      paramsB: 7,
      family: 'qwen2.5-math-prm',
      quality: numberFlag(args, 'quality', 0.85),
    },
  });
  console.error(`SIMULATED vLLM upstreams (no real model): policy ${policy.url}, PRM ${prm.url}`);
  const stop = (): void =>
    void Promise.all([policy.close(), prm.close()]).then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

async function jsonLines(args: ParsedArgs, handle: (value: unknown) => unknown): Promise<void> {
  const { errors } = await mapJsonLines(
    openInput(stringFlag(args, 'file')),
    process.stdout,
    handle,
  );
  if (errors > 0) process.exitCode = 1;
}

export async function runCli(argv: readonly string[]): Promise<void> {
  const args = parseArgs(argv);
  const command = args.positional[0] ?? 'serve';
  // `eval --help` and `calibrate --help` print their own usage; elsewhere --help must never start a server.
  if (args.flags.has('help') && command !== 'eval' && command !== 'calibrate') {
    process.stdout.write(USAGE);
    return;
  }
  try {
    switch (command) {
      case 'serve':
        return await serve(args);
      case 'sim':
        return await sim(args);
      case 'extract':
        return await jsonLines(args, extractLine);
      case 'grade':
        return await jsonLines(args, gradeLine);
      case 'vote':
        return await jsonLines(
          args,
          createVoteLine({ squash: parseSquash(stringFlag(args, 'squash')) }),
        );
      case 'eval':
        return await evalCommand(args);
      case 'calibrate':
        return await calibrateCommand(args);
      case 'help':
      case '--help':
        process.stdout.write(USAGE);
        return;
      default:
        throw new ConfigError('', `unknown command '${command}'\n\n${USAGE}`);
    }
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
