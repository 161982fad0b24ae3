/**
 * `auto` in the simulated world (no HTTP): with the bundled paper table and with a table
 * calibrated on OTHER problems (same fitting code as `tts-proxy calibrate`), against every fixed
 * method at each budget, paired per problem.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  autoSearch,
  parseStrategyTable,
  probeSamplesFromCandidates,
  type StrategyTable,
} from '../../select';
import { buildCalibrationProblems, fitCalibration, type CalibrationRecord } from '../../calibrate';
import { extractAnswer } from '../../answer';
import {
  METHOD_DEFAULTS,
  METHODS,
  createVotingAnswerReader,
  selectAnswer,
  type Candidate,
  type MethodName,
} from '../../tts';
import { createSeededRandom, hashString } from '../../util';
import { worldProblems, type WorldProblem } from './run-world-grid';
import {
  createWorldPolicy,
  createWorldVerifier,
  type WorldPolicySpec,
  type WorldPrmSpec,
} from './world-harness';

const FIXED = [
  'majority',
  'best_of_n',
  'beam_search',
  'dvts',
] as const satisfies readonly MethodName[];
const Z_95 = 1.959964;

export function bundledStrategyTable(): StrategyTable {
  const file = path.resolve(__dirname, '..', '..', '..', 'config', 'strategy.yaml');
  return parseStrategyTable(readFileSync(file, 'utf8'), file);
}

interface RunOutcome {
  candidates: Candidate[];
  isCorrect: boolean;
  policyTokens: number;
  prmTokens: number;
}

interface PairSetup {
  policy: WorldPolicySpec;
  prm: WorldPrmSpec;
  seed: number;
}

async function runFixed(
  setup: PairSetup,
  problem: WorldProblem,
  method: MethodName,
  n: number,
): Promise<RunOutcome> {
  const seed = hashString(`${setup.seed}|${problem.id}|${method}|${n}`);
  const result = await METHODS[method](
    { ...METHOD_DEFAULTS[method], n, seed },
    {
      policy: createWorldPolicy(problem.problem, setup.policy),
      verifier:
        method === 'majority' ? null : createWorldVerifier(setup.prm, setup.policy, setup.seed),
      question: problem.problem,
      random: createSeededRandom(seed),
    },
  );
  const chosen = selectAnswer(result.candidates, {
    aggregation: 'last',
    vote: method === 'majority' ? 'majority' : 'prm_vote',
  });
  return {
    candidates: result.candidates,
    isCorrect: chosen.answer === problem.answer,
    policyTokens: result.usage.policyCompletionTokens,
    prmTokens: result.usage.prmPromptTokens,
  };
}

async function runAuto(
  setup: PairSetup,
  problem: WorldProblem,
  table: StrategyTable,
  n: number,
): Promise<boolean> {
  const seed = hashString(`${setup.seed}|${problem.id}|auto|${n}`);
  // Each sample read once: the early-stop votes and the final one.
  const readAnswers = createVotingAnswerReader();
  const result = await autoSearch(
    {
      table,
      context: {
        policyParamsB: setup.policy.paramsB,
        policyFamily: setup.policy.family,
        prmFamily: setup.prm.family === 'outcome' ? null : setup.prm.family,
        budget: n,
      },
      modelName: null,
      search: { ...METHOD_DEFAULTS.best_of_n, n, seed },
      defaultM: 4,
      prmDefaults: { aggregation: 'last', vote: 'prm_vote' },
      earlyStop: { kind: 'beta', confidence: 0.95, minSamples: 4 },
    },
    {
      policy: createWorldPolicy(problem.problem, setup.policy),
      verifier: createWorldVerifier(setup.prm, setup.policy, setup.seed),
      question: problem.problem,
      random: createSeededRandom(seed),
      readAnswers,
    },
  );
  const chosen = selectAnswer(result.candidates, {
    aggregation: result.decision.aggregation,
    vote: result.decision.vote,
    answers: readAnswers(result.candidates),
  });
  return chosen.answer === problem.answer;
}

/** Calibration records of the simulated world, as `tts-proxy calibrate` would measure them. */
async function calibrationRecords(
  setup: PairSetup,
  problems: readonly WorldProblem[],
  budgets: readonly number[],
  probeSamples: number,
): Promise<CalibrationRecord[]> {
  const records: CalibrationRecord[] = [];
  for (const problem of problems)
    for (const method of FIXED)
      for (const n of budgets) {
        const outcome = await runFixed(setup, problem, method, n);
        const isSampled = method === 'majority' || method === 'best_of_n';
        const answers = outcome.candidates.map((c) => extractAnswer(c.text, {}));
        records.push({
          problemId: problem.id,
          method,
          budget: n,
          isCorrect: outcome.isCorrect,
          policyTokens: outcome.policyTokens,
          prmTokens: outcome.prmTokens,
          samplesCorrect: isSampled ? answers.filter((a) => a === problem.answer).length : 0,
          samplesTotal: isSampled ? answers.length : 0,
          probe: probeSamplesFromCandidates(outcome.candidates)
            .slice(0, probeSamples)
            .map((p) => ({
              answer: p.answer,
              stepScores: p.stepScores === null ? null : [...p.stepScores],
            })),
        });
      }
  return records;
}

export interface AutoBudgetRow {
  budget: number;
  /** Accuracy (points) per fixed method. */
  fixed: Record<string, number>;
  bestFixed: { method: string; accuracy: number };
  auto: {
    table: 'paper' | 'calibrated';
    accuracy: number;
    difference: number;
    halfWidth95: number;
    isWithinInterval: boolean;
  }[];
}

export interface AutoMeasurement {
  policy: WorldPolicySpec;
  prm: WorldPrmSpec;
  problems: number;
  calibrationProblems: number;
  rows: AutoBudgetRow[];
  calibratedMethods: string[];
}

function pairedDifference(
  a: readonly boolean[],
  b: readonly boolean[],
): { mean: number; halfWidth: number } {
  const d = a.map((value, i) => (value ? 1 : 0) - (b[i] ? 1 : 0));
  const mean = d.reduce((s, v) => s + v, 0) / d.length;
  const variance = d.reduce((s, v) => s + (v - mean) ** 2, 0) / Math.max(1, d.length - 1);
  return { mean: 100 * mean, halfWidth: 100 * Z_95 * Math.sqrt(variance / d.length) };
}

export interface MeasureAutoOptions {
  policy: WorldPolicySpec;
  prm: WorldPrmSpec;
  budgets: readonly number[];
  problems: number;
  calibrationProblems: number;
  seed: number;
}

/** Auto (paper table, calibrated table) vs the best fixed method per budget, on held-out problems. */
export async function measureAuto(options: MeasureAutoOptions): Promise<AutoMeasurement> {
  const setup: PairSetup = { policy: options.policy, prm: options.prm, seed: options.seed };
  const paper = bundledStrategyTable();
  const measured = worldProblems(options.seed, options.problems);
  const devSet = worldProblems(options.seed + 1, options.calibrationProblems).map((p) => ({
    ...p,
    id: `dev-${p.id}`,
  }));
  const records = await calibrationRecords(setup, devSet, options.budgets, paper.probe.maxSamples);
  const fit = fitCalibration(buildCalibrationProblems(records, { hasPrm: true }).problems, {
    base: {
      name: 'calibrated-sim',
      sizeClasses: paper.sizeClasses,
      prmClasses: paper.prmClasses,
      probe: paper.probe,
      unknownDifficulty: paper.unknownDifficulty,
    },
    rowSettings: { m: 4, aggregation: 'last', vote: 'prm_vote' },
    about: {
      dataset: 'simulated dev set',
      date: '-',
      model: `${options.policy.family}-${options.policy.paramsB}b`,
      prm: options.prm.family,
    },
    seed: options.seed,
  });
  const rows: AutoBudgetRow[] = [];
  for (const n of options.budgets) {
    const outcomes = new Map<string, boolean[]>();
    for (const problem of measured) {
      for (const method of FIXED) {
        const list = outcomes.get(method) ?? [];
        list.push((await runFixed(setup, problem, method, n)).isCorrect);
        outcomes.set(method, list);
      }
      for (const [name, table] of [
        ['paper', paper],
        ['calibrated', fit.table],
      ] as const) {
        const list = outcomes.get(`auto-${name}`) ?? [];
        list.push(await runAuto(setup, problem, table, n));
        outcomes.set(`auto-${name}`, list);
      }
    }
    const accuracyOf = (list: readonly boolean[]): number =>
      (100 * list.filter(Boolean).length) / list.length;
    const fixed = Object.fromEntries(FIXED.map((m) => [m, accuracyOf(outcomes.get(m) ?? [])]));
    const best = FIXED.reduce((a, b) => ((fixed[b] ?? 0) > (fixed[a] ?? 0) ? b : a));
    rows.push({
      budget: n,
      fixed,
      bestFixed: { method: best, accuracy: fixed[best] ?? 0 },
      auto: (['paper', 'calibrated'] as const).map((table) => {
        const list = outcomes.get(`auto-${table}`) ?? [];
        const diff = pairedDifference(list, outcomes.get(best) ?? []);
        return {
          table,
          accuracy: accuracyOf(list),
          difference: diff.mean,
          halfWidth95: diff.halfWidth,
          isWithinInterval: diff.mean + diff.halfWidth >= 0,
        };
      }),
    });
  }
  return {
    policy: options.policy,
    prm: options.prm,
    problems: measured.length,
    calibrationProblems: devSet.length,
    rows,
    calibratedMethods: [
      ...new Set(fit.cells.map((cell) => `${cell.budget}:${cell.bin ?? 'any'}:${cell.method}`)),
    ],
  };
}
