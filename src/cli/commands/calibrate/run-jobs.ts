import { TtsError } from '../../../errors';
import type { CalibrationRecord } from '../../../calibrate';
import type { CalibrateProgress } from './create-progress';
import { measure, type RequestContext } from './measure';
import type { Job } from './plan-jobs';
import { runPool } from './run-pool';

export interface RunJobsOptions {
  context: RequestContext;
  /** Requests in flight at once. */
  concurrency: number;
  /** The progress file each finished record is appended to (for messages). */
  progressPath: string;
  /** Appends a finished record to the progress file; throws when it cannot. */
  append: (record: CalibrationRecord) => void;
  progress: CalibrateProgress;
  /** Called with each record once it is written to the progress file. */
  onRecord: (record: CalibrationRecord) => void;
}

/**
 * Send the jobs through the proxy with bounded concurrency and append each record to the progress
 * file. A failed request is reported and skipped (a rerun retries it); a failed append stops the
 * run at once: a request whose record was not written would silently be lost to resume.
 *
 * @returns one line per failed request, `<problem> <method>@<budget>: <message>`.
 * @throws TtsError when a record cannot be appended.
 */
export async function runJobs(jobs: readonly Job[], options: RunJobsOptions): Promise<string[]> {
  const { context, progress, progressPath } = options;
  const failures: string[] = [];
  await runPool(jobs, options.concurrency, async (job, signal) => {
    let record: CalibrationRecord;
    try {
      record = await measure(context, job, signal);
    } catch (error) {
      // Aborted because another lane failed: that failure is the one to report.
      if (signal.aborted) return;
      failures.push(`${job.problem.id} ${job.method}@${job.budget}: ${(error as Error).message}`);
      progress.tick(true);
      return;
    }
    try {
      options.append(record);
    } catch (error) {
      throw new TtsError(
        `cannot append to ${progressPath}: ${(error as Error).message}; stopped, so that no more requests run without being recorded (rerun to resume from what was written)`,
        { cause: error },
      );
    }
    options.onRecord(record);
    progress.tick(false);
  });
  return failures;
}
