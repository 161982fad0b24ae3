/**
 * What the two harnesses share, `tts-proxy eval` (src/eval/) and `tts-proxy calibrate`
 * (src/cli/commands/calibrate/): the one labelled-dataset loader and the one resumable results log.
 */
export { loadDataset, type LoadedDataset } from './load-dataset';
export { parseDataset, type ParseDatasetOptions } from './parse-dataset';
export {
  openResumeLog,
  readResumeLog,
  type OpenResumeLog,
  type ResumeLog,
  type ResumeLogSpec,
} from './resume-log';
