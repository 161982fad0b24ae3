/**
 * From per-request measurements to the per-problem input of `fitCalibration`. One record is one
 * finished (problem, method, budget) request of `tts-proxy calibrate`; the file of records is also
 * what makes the command resumable.
 *
 * - Oracle Pass@1 = share of correct samples of the majority run at the largest budget (the
 *   paper's Pass@1 from sampled solutions, docs/paper-findings.md#difficulty-bins). With a PRM its samples are independent of
 *   every probe (the probes come from the Best-of-N runs). Without a PRM the probes come from the
 *   majority runs too, so at the largest budget the probe's k samples are among the Pass@1
 *   samples; only majority is measured then (one method, one row per budget), so that overlap can
 *   only flatter the reported bin agreement, never change a row.
 * - Probes, one per budget: the first candidates of that budget's own probe-method run (Best-of-N
 *   with a PRM, majority without: what `autoSearch` probes with). `fitCalibration` keeps the first
 *   k = planProbe(budget).samples of them, the probe a request at that budget would see.
 *
 * How a budget's probe relates to the runs it is scored against: at serving time the probe is
 * the first k samples of the request; BoN and majority continue from them and keep them in the
 * final vote, while beam search / DVTS vote over their own paths (the probe only stands in when a
 * search returns no answer). Taking the probe from the Best-of-N run at
 * the same N keeps exactly that dependence for Best-of-N, whose measured vote includes the
 * probe's samples just as the served one would. The other methods' runs are separate requests
 * with their own seeds, so their outcomes are independent of the probe, as the served search
 * itself is; only the k probe votes a served majority would add are missing from its runs, and
 * the served search runs on N − k where the measured one ran on N. A budget whose k is 0 has no
 * probe and no bin, so no outcome is ever predicted from its own samples (at N=4 the first 4
 * samples of Best-of-N are its whole vote).
 */
import { z } from 'zod';
import type { CalibrationProblem } from './fit-calibration-types';
import { TABLE_METHODS, type TableMethod } from '../select';

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
  probe: z.array(
    z.strictObject({ answer: z.string().nullable(), stepScores: z.array(z.number()).nullable() }),
  ),
});

export type CalibrationRecord = z.infer<typeof calibrationRecordSchema>;

export interface BuildCalibrationProblemsOptions {
  /** Best-of-N (scored) probes when the model has a PRM; majority otherwise. */
  hasPrm: boolean;
}

export interface BuiltCalibrationProblems {
  problems: CalibrationProblem[];
  /** Problems left out, with why. */
  skipped: { problemId: string; reason: string }[];
}

export function calibrationRecordKey(
  record: Pick<CalibrationRecord, 'problemId' | 'method' | 'budget'>,
): string {
  return `${record.problemId}\u0001${record.method}\u0001${record.budget}`;
}

export function buildCalibrationProblems(
  records: readonly CalibrationRecord[],
  options: BuildCalibrationProblemsOptions,
): BuiltCalibrationProblems {
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
    const majority = list
      .filter((r) => r.method === 'majority')
      .sort((a, b) => b.budget - a.budget)[0];
    if (!majority || majority.samplesTotal === 0) {
      skipped.push({ problemId, reason: 'no majority-vote samples for Pass@1' });
      continue;
    }
    // Every budget's own run: `fitCalibration` cuts each to the k that budget probes with and
    // drops a problem that misses the probe of a budget that probes.
    const probes = list
      .filter((r) => r.method === probeMethod)
      .sort((a, b) => a.budget - b.budget)
      .map((r) => ({
        budget: r.budget,
        samples: r.probe.map((p) => ({ answer: p.answer, stepScores: p.stepScores })),
      }));
    problems.push({
      id: problemId,
      passAt1: majority.samplesCorrect / majority.samplesTotal,
      probes,
      outcomes: list.map((r) => ({
        method: r.method,
        budget: r.budget,
        isCorrect: r.isCorrect,
        policyTokens: r.policyTokens,
      })),
    });
  }
  return { problems, skipped };
}
