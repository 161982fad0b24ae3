/**
 * The progress file `<out>.progress.jsonl`: a header line, then one record per finished (problem,
 * method, budget) request, so a rerun skips what is done (resume after an interrupt, or add budgets
 * later). The header pins what the records depend on besides their key (model, seed, the
 * dataset's content, the serving config), so a rerun against anything else is refused instead of
 * mixing measurements.
 */
import { z } from 'zod';
import { ConfigError } from '../../../errors';
import {
  calibrationRecordKey,
  calibrationRecordSchema,
  type CalibrationRecord,
} from '../../../calibrate';
import { openResumeLog, type ResumeLogSpec } from '../../../eval';

/**
 * What a progress file's records depend on besides their (problem, method, budget) key: budgets
 * and methods may change between runs (the records are keyed by them), nothing else may.
 */
const progressHeaderSchema = z.strictObject({
  kind: z.literal('header'),
  model: z.string(),
  /** Where the dataset was read from: for messages only, the content is what must match. */
  dataset: z.string(),
  datasetSha256: z.string(),
  seed: z.number(),
  /** The serving settings the measurements depend on, by config path (see `configFingerprint`). */
  config: z.record(z.string(), z.union([z.string(), z.number(), z.null()])),
});

export type ProgressHeader = Omit<z.infer<typeof progressHeaderSchema>, 'kind'>;

const recordLineSchema = z.strictObject({
  kind: z.literal('record'),
  record: calibrationRecordSchema,
});

/**
 * The progress file as a resume log (src/eval/harness/resume-log.ts, shared with `eval`): records
 * keyed by (problem, method, budget); any header line is read loosely and checked strictly below,
 * so a header this version cannot read refuses the file instead of passing as a bad line.
 */
const PROGRESS_LOG: ResumeLogSpec<z.infer<typeof recordLineSchema>, Record<string, unknown>> = {
  entry: recordLineSchema,
  keyOf: (line) => calibrationRecordKey(line.record),
  header: z.looseObject({ kind: z.literal('header') }),
};

/** A progress file read back: the finished records, and where the next ones go. */
export interface Progress {
  records: CalibrationRecord[];
  /** Appends one finished record (synchronously; throws when the file cannot be written). */
  append: (record: CalibrationRecord) => void;
}

/** How an earlier run's header differs from this run's, in words; empty when it does not. */
function headerDifferences(found: ProgressHeader, wanted: ProgressHeader): string[] {
  const differences: string[] = [];
  if (found.model !== wanted.model)
    differences.push(`model '${found.model}' (this run: '${wanted.model}')`);
  if (found.seed !== wanted.seed) differences.push(`seed ${found.seed} (this run: ${wanted.seed})`);
  if (found.datasetSha256 !== wanted.datasetSha256) {
    differences.push(
      `dataset ${found.dataset} with sha256 ${found.datasetSha256.slice(0, 12)}… (this run: ${wanted.dataset} with sha256 ${wanted.datasetSha256.slice(0, 12)}…)`,
    );
  }
  for (const key of new Set([...Object.keys(found.config), ...Object.keys(wanted.config)])) {
    const before = found.config[key];
    const after = wanted.config[key];
    if (before !== after)
      differences.push(
        `${key} ${JSON.stringify(before ?? null)} (this run: ${JSON.stringify(after ?? null)})`,
      );
  }
  return differences;
}

/**
 * Finished records from an earlier run of the same calibration (a torn last line is ignored), and
 * the appender for this run's; a new file starts with this run's header.
 *
 * @throws ConfigError when the file was written for another model, seed, dataset content or
 *   serving config, or has records but no header to check them against.
 */
export function readProgress(file: string, header: ProgressHeader): Progress {
  const log = openResumeLog(file, PROGRESS_LOG);
  const refuse = (why: string): ConfigError =>
    new ConfigError('--out', `${file} ${why}; delete it or choose another --out`);
  for (const found of log.headers) {
    const parsed = progressHeaderSchema.safeParse(found);
    // A header this version cannot read (an older one pinned no dataset content or config) must
    // not let its records through unchecked.
    if (!parsed.success) {
      throw refuse(
        'has a header without the dataset and config fingerprints this version checks, so its records cannot be trusted for this run',
      );
    }
    const differences = headerDifferences(parsed.data, header);
    if (differences.length > 0)
      throw refuse(`holds a calibration of another setup: ${differences.join('; ')}`);
  }
  const records = log.entries.map((line) => line.record);
  if (log.headers.length === 0 && records.length > 0)
    throw refuse('has records but no header to check them against');
  if (log.headers.length === 0) log.append({ kind: 'header', ...header });
  return {
    records,
    append: (record) => log.append({ kind: 'record', record }),
  };
}
