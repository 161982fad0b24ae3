/**
 * @module server — the HTTP edge: the only folder that imports express. Parses, calls the
 * pipeline, renders; maps errors in one place.
 */
export { createApp } from './create-app';
export type { AppDeps, HealthReport, TtsProxyApp } from './create-app';
export type { ApiKeyPolicy, Caller } from './auth';
export { createMetrics } from './metrics';
export type { Metrics } from './metrics';
export { toHttpError } from './http-error';
export { createShutdownControl } from './shutdown';
export { startStalledWriteSweep } from './stalled-writes';
export type { DrainReport, ShutdownControl } from './shutdown';
