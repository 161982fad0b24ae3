/**
 * From per-request measurements to the per-problem input of `fitCalibration`. One record is one
 * finished (problem, method, budget) request of `tts-proxy calibrate`; the file of records is also
 * what makes the command resumable.
 *
 * - Oracle Pass@1 = share of correct samples of the majority run at the largest budget (the
 *   paper's Pass@1 from sampled solutions, paper.md §3). Its samples are independent of the probe.
 * - Probe = the first k candidates of the run a request would probe with: Best-of-N when a PRM
 *   exists (answers + step scores), majority otherwise, at the smallest budget with k samples.
 */
import { z } from 'zod';
import type { CalibrationProblem } from './fit-calibration';
import { TABLE_METHODS, type TableMethod } from './select-types';

export const calibrationRecordSchema = z.strictObject({
  problemId: z.string().min(1),
  method: z.enum(TABLE_METHODS),
  budget: z.number().int().positive(),
  isCorrect: z.boolean(),
  policyTokens: z.number().min(0),
  prmTokens: z.number().min(0),
  /** Whole samples graded (majority / best_of_n candidates): for Pass@1. */
  samplesCorrect: z.number().int().min(0),
  samplesTotal: z.number().int().min(0),
  /** The first candidates, in generation order: answers and step scores, for the probe. */
  probe: z.array(z.strictObject({ answer: z.string().nullable(), stepScores: z.array(z.number()).nullable() })),
});

export type CalibrationRecord = z.infer<typeof calibrationRecordSchema>;

export interface BuildCalibrationProblemsOptions {
  /** The probe size k. */
  probeSamples: number;
  /** Best-of-N (scored) probes when the model has a PRM; majority otherwise. */
  hasPrm: boolean;
}

export interface BuiltCalibrationProblems {
  problems: CalibrationProblem[];
  /** Problems left out, with why. */
  skipped: { problemId: string; reason: string }[];
}

export function calibrationRecordKey(record: Pick<CalibrationRecord, 'problemId' | 'method' | 'budget'>): string {
  return `${record.problemId}\u0001${record.method}\u0001${record.budget}`;
}

export function buildCalibrationProblems(records: readonly CalibrationRecord[], options: BuildCalibrationProblemsOptions): BuiltCalibrationProblems {
  const byProblem = new Map<string, CalibrationRecord[]>();
  for (const record of records) {
    const list = byProblem.get(record.problemId) ?? [];
    list.push(record);
    byProblem.set(record.problemId, list);
  }
  const probeMethod: TableMethod = options.hasPrm ? 'best_of_n' : 'majority';
  const problems: CalibrationProblem[] = [];
  const skipped: BuiltCalibrationProblems['skipped'] = [];
  for (const [problemId, list] of byProblem) {
    const majority = list.filter((r) => r.method === 'majority').sort((a, b) => b.budget - a.budget)[0];
    if (!majority || majority.samplesTotal === 0) {
      skipped.push({ problemId, reason: 'no majority-vote samples for Pass@1' });
      continue;
    }
    const probeRuns = list.filter((r) => r.method === probeMethod).sort((a, b) => a.budget - b.budget);
    const probeRun = probeRuns.find((r) => r.probe.length >= options.probeSamples) ?? probeRuns[probeRuns.length - 1];
    if (!probeRun || probeRun.probe.length === 0) {
      skipped.push({ problemId, reason: `no ${probeMethod} run to take the probe from` });
      continue;
    }
    problems.push({
      id: problemId,
      passAt1: majority.samplesCorrect / majority.samplesTotal,
      probe: probeRun.probe.slice(0, options.probeSamples).map((p) => ({ answer: p.answer, stepScores: p.stepScores })),
      outcomes: list.map((r) => ({ method: r.method, budget: r.budget, isCorrect: r.isCorrect, policyTokens: r.policyTokens })),
    });
  }
  return { problems, skipped };
}
