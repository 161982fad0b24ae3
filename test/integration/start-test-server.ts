/** Start the real server (default config: embedded simulator) on an ephemeral port, quietly. */
import path from 'node:path';
import pino from 'pino';
import { startServer, type RunningServer } from '../../src/main';

export const DEFAULT_CONFIG = path.resolve(__dirname, '../../config/default.yaml');

export async function startTestServer(env: Record<string, string> = {}): Promise<RunningServer> {
  return startServer({
    configPath: DEFAULT_CONFIG,
    env: { ...env },
    logger: pino({ level: 'silent' }),
    port: 0,
    host: '127.0.0.1',
  });
}
