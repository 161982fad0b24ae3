/** `tts-proxy serve`: the proxy itself (what `npm start` runs), stopped gracefully on signals. */
import path from 'node:path';
import { missingServerNodeFlags, startServer } from '../../app';
import { numberFlag, stringFlag, type CommandSpec, type ParsedArgs } from '../args';

export const SERVE_COMMAND: CommandSpec = {
  name: 'serve',
  summary: 'Start the proxy (the default command; what `npm start` runs).',
  usage: '[options]',
  description: `Config: --config, else env TTS_PROXY_CONFIG, else config/default.yaml (simulated upstreams).
Every config field can be overridden by env TTS_PROXY__<PATH> (see docs/configuration.md).`,
  flags: [
    {
      name: 'config',
      kind: 'string',
      placeholder: 'FILE',
      description: 'config file (default: env TTS_PROXY_CONFIG, else config/default.yaml)',
    },
    {
      name: 'port',
      kind: 'integer',
      placeholder: 'N',
      min: 0,
      max: 65535,
      description: 'listen port; wins over env PORT and server.port (0 = any free port)',
    },
  ],
};

function defaultConfigPath(): string {
  return path.resolve(__dirname, '..', '..', '..', 'config', 'default.yaml');
}

export async function serveCommand(args: ParsedArgs): Promise<void> {
  const configPath =
    stringFlag(args, 'config') ?? process.env.TTS_PROXY_CONFIG ?? defaultConfigPath();
  const running = await startServer({
    configPath,
    ...(args.flags.has('port') ? { port: numberFlag(args, 'port', 0) } : {}),
  });
  const missing = missingServerNodeFlags(process.execArgv, process.env.NODE_OPTIONS);
  if (missing.length > 0)
    running.logger.info(
      { missing, see: 'docs/performance.md#young-generation-size' },
      `node was started without ${missing.join(' ')} (npm start and the Docker image set it): more frequent garbage collections`,
    );
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
