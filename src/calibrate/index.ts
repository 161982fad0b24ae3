/**
 * @module calibrate — the offline fit behind `tts-proxy calibrate`: from measured outcomes per
 * (problem, method, budget) to a calibrated strategy table (difficulty thresholds, one method per
 * cell, 2-fold cross-validation). Not on the serving path: select/ and everything that serves a
 * request never import it; cli/ and eval/ do. Pure like select/ (no I/O, no clock), and reads
 * the table's types and the difficulty estimate through select/.
 */
export {
  budgetRanges,
  fitCalibration,
  type CalibrationCell,
  type CalibrationFit,
  type CalibrationOutcome,
  type CalibrationProblem,
  type CrossValidationResult,
  type FitCalibrationOptions,
} from './fit-calibration';
export { defaultThresholdGrid, fitThresholds, type ThresholdGrid } from './fit-thresholds';
export {
  buildCalibrationProblems,
  calibrationRecordKey,
  calibrationRecordSchema,
  type BuildCalibrationProblemsOptions,
  type BuiltCalibrationProblems,
  type CalibrationRecord,
} from './calibration-records';
