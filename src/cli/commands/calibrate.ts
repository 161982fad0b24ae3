/**
 * `tts-proxy calibrate`: measure every method at every budget on a labelled dev set, fit the
 * strategy table and write it (see calibrate/run-calibrate.ts for how).
 *
 * The command's public surface, at the path its importers use (cli/main.ts, the integration
 * test). The pieces live in ./calibrate/, one job each:
 * - calibrate-command.ts: the CLI flags and usage text, `calibrateCommand`
 * - run-calibrate.ts: `runCalibrate`, which ties the others together
 * - plan-jobs.ts: the (problem, budget, method) requests to send
 * - read-progress.ts, config-fingerprint.ts: the progress file's fingerprinted header and records
 * The dev set is read and the progress file resumed and appended with the eval's own loader and
 * resume log (src/eval/harness/), so both commands accept the same datasets and resume alike.
 * - run-jobs.ts, run-pool.ts, measure.ts: the requests, with bounded concurrency, through the
 *   in-process proxy
 * - create-progress.ts: the progress line with an ETA
 * - table-header-lines.ts, write-strategy-table.ts: the table's header comment and its write
 */
export { CALIBRATE_COMMAND, calibrateCommand } from './calibrate/calibrate-command';
export type { ProgressSink } from './calibrate/create-progress';
export {
  runCalibrate,
  type CalibrateOptions,
  type CalibrateResult,
} from './calibrate/run-calibrate';
