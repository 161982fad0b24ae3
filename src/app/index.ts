/**
 * @module app — the composition root, split by job: logging, simulators, upstream clients,
 * verifiers and backends, health, listen. The only place (with cli/) that reads env and files and
 * picks concrete classes. main.ts, cli/ and eval/ start servers through `startServer`.
 */
export { startServer } from './start-server';
export type { RunningServer, StartOptions } from './start-server';
export { missingServerNodeFlags, SERVER_NODE_FLAGS } from './node-flags';
