import { TABLE_METHODS, type TableMethod } from '../../../select';
import type { EvalProblem } from '../../../eval';

/** What a job needs of a dataset problem. */
type DevProblem = Pick<EvalProblem, 'id' | 'problem' | 'answer'>;

export interface Job {
  problem: DevProblem;
  method: TableMethod;
  budget: number;
}

export interface PlanJobsOptions {
  /** Sorted, distinct. */
  budgets: number[];
  /** Methods asked for (default: every table method). */
  methods: readonly TableMethod[] | undefined;
  hasPrm: boolean;
  /** The server's tts.default_m: beam search and DVTS run only at budgets it divides. */
  m: number;
}

export interface JobPlan {
  /** Methods measured, in table order. */
  methods: TableMethod[];
  /** Every (problem, budget, method) request, in that nesting order. */
  jobs: Job[];
  /** Lines for the table's header comment: what was left out and why. */
  notes: string[];
}

/** Every request a calibration needs: each measured method at each budget for each problem. */
export function planJobs(dataset: readonly DevProblem[], options: PlanJobsOptions): JobPlan {
  const { budgets, m } = options;
  const wanted = new Set<TableMethod>(options.methods ?? TABLE_METHODS);
  wanted.add('majority');
  // auto probes with Best-of-N when there is a PRM: each budget's probe is read from that run.
  if (options.hasPrm) wanted.add('best_of_n');
  const methods = TABLE_METHODS.filter(
    (method) => wanted.has(method) && (method === 'majority' || options.hasPrm),
  );
  const jobs: Job[] = [];
  const notes: string[] = [];
  for (const problem of dataset) {
    for (const budget of budgets) {
      for (const method of methods) {
        const isSearch = method === 'beam_search' || method === 'dvts';
        if (isSearch && budget % m !== 0) continue;
        jobs.push({ problem, method, budget });
      }
    }
  }
  const skippedSearch = budgets.filter((b) => b % m !== 0);
  if (skippedSearch.length > 0 && methods.some((x) => x === 'beam_search' || x === 'dvts')) {
    notes.push(
      `beam search / DVTS skipped at budget(s) ${skippedSearch.join(', ')} (not a multiple of M=${m})`,
    );
  }
  return { methods, jobs, notes };
}
