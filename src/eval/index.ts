/**
 * @module eval
 *
 * `tts-proxy eval`: A/B test-time scaling against plain CoT on a dataset, through a real proxy.
 * Pure parts (dataset parsing, statistics, gains, summary, SVG/HTML report) are plain functions
 * over data; `run-eval.ts` is the driver that does I/O (dataset and results files, HTTP to the
 * proxy, an in-process proxy through `app/`). `harness/` holds what `calibrate` shares with it:
 * the dataset loader and the resume log. Imported only by `cli/` and tests.
 */
export {
  ARM_NAMES,
  isArmName,
  resultKey,
  type ArmName,
  type EvalProblem,
  type EvalResult,
  type FlopsCount,
} from './eval-types';
export {
  loadDataset,
  openResumeLog,
  parseDataset,
  readResumeLog,
  type LoadedDataset,
  type OpenResumeLog,
  type ParseDatasetOptions,
  type ResumeLog,
  type ResumeLogSpec,
} from './harness';
export { wilsonInterval, Z_95, type Interval } from './wilson-interval';
export { mcnemarExactP } from './mcnemar-exact-p';
export { percentile } from './percentile';
export {
  levelLabel,
  passAtOneBin,
  passAtOneLabel,
  DIFFICULTY_BINS,
  PASS_AT_ONE_BINS,
  type PassAtOneBin,
} from './difficulty-bin';
export {
  bestPoint,
  computeToReach,
  efficiencyGain,
  formatGain,
  performanceGain,
  type CurvePoint,
  type EfficiencyGain,
  type EfficiencyTarget,
  type GainBound,
} from './gains';
export {
  buildTasks,
  planResume,
  readResults,
  requestSeed,
  RESULTS_LOG,
  type EvalTask,
  type ReadResultsResult,
  type ResumePlan,
} from './resume';
export { resultFromWire, resultLineWire, resultToWire, type ResultLineWire } from './results-wire';
export {
  breakdownOf,
  pairedComparison,
  summarizeCell,
  type Breakdown,
  type CellSummary,
  type GroupAccuracy,
  type PairedComparison,
} from './summarize-cell';
export {
  FLOPS_FORMULA,
  summarize,
  type EvalSummary,
  type RunInfo,
  type SummarizeOptions,
} from './summarize';
export { summaryToWire } from './summary-wire';
export { barChart, escapeXml, lineChart } from './svg-chart';
export { buildReportHtml } from './build-report-html';
export {
  createProgressReporter,
  formatDuration,
  type ProgressReporter,
  type ProgressReporterOptions,
} from './progress-reporter';
export { gradeAnswer, goldAnswerOf } from './grade-answer';
export { evalRequestBody, sendEvalRequest } from './send-eval-request';
export { formatSummaryText } from './format-summary-text';
export {
  demoSetJsonLines,
  generateDemoSet,
  levelOfDifficulty,
  DEMO_PER_LEVEL,
  DEMO_SEED,
} from './generate-demo-set';
export {
  defaultConfigPath,
  EVAL_DEFAULTS,
  REPORT_FILE,
  RESULTS_FILE,
  runEval,
  SUMMARY_FILE,
  type RunEvalOptions,
  type RunEvalResult,
} from './run-eval';
export {
  AUTO_PROBLEMS,
  README_END,
  README_START,
  replaceBetweenMarkers,
  runPaperPreset,
  type PaperPresetOptions,
} from './repro/paper-preset';
