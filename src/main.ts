/**
 * The server's entry point as a library: `startServer` (built in src/app/). The CLI
 * (`tts-proxy serve`) calls it; tests import it from here.
 */
export { startServer } from './app';
export type { RunningServer, StartOptions } from './app';
