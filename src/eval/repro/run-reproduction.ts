/**
 * Runs a reproduction profile over the simulated world and judges it against the paper's targets.
 */
import {
  checkFindings,
  checkHeadlineCells,
  type CellResult,
  type FindingResult,
  type ReproductionRun,
} from './check-findings';
import { pairKey, REPRODUCTION_RUNS, TARGET_PRMS, type ProfileName } from './reproduction-plan';
import { runPairGrid, worldProblems, type PairResult } from './run-world-grid';

/** Seeds of the reproduction: problems and PRM noise (fixed, so the check is deterministic). */
export const REPRODUCTION_SEEDS = { problems: 2502, prm: 6703 } as const;

export interface ReproductionReport {
  profile: ProfileName;
  problems: number;
  budgets: readonly number[];
  findings: FindingResult[];
  cells: CellResult[];
  run: ReproductionRun;
}

export async function runReproduction(
  profileName: ProfileName,
  onPair?: (key: string) => void,
): Promise<ReproductionReport> {
  const profile = REPRODUCTION_RUNS[profileName];
  const problems = worldProblems(REPRODUCTION_SEEDS.problems, profile.problems);
  const pairs = new Map<string, PairResult>();
  for (const planned of profile.pairs) {
    const key = pairKey(planned.policy, planned.prm);
    onPair?.(key);
    pairs.set(
      key,
      await runPairGrid({
        policy: planned.policy,
        prm: TARGET_PRMS[planned.prm],
        methods: planned.methods,
        budgets: profile.budgets,
        problems,
        seed: REPRODUCTION_SEEDS.prm,
        withRules: planned.withRules,
      }),
    );
  }
  const run: ReproductionRun = { budgets: profile.budgets, problems: problems.length, pairs };
  return {
    profile: profileName,
    problems: problems.length,
    budgets: profile.budgets,
    findings: checkFindings(run),
    cells: checkHeadlineCells(run),
    run,
  };
}

/** The report as Markdown: findings, then headline cells, ours beside the paper's. */
export function formatReproduction(report: ReproductionReport): string {
  const lines = [
    `Simulated world, ${report.problems} problems, budgets ${report.budgets.join('/')} (profile ${report.profile}).`,
    '',
    '| finding | verdict | ours |',
    '|---|---|---|',
    ...report.findings.map((f) => `| ${f.id} | ${f.verdict} | ${f.ours} |`),
    '',
    '| cell | paper | ours | tolerance | verdict |',
    '|---|---|---|---|---|',
    ...report.cells.map(
      (c) =>
        `| ${c.id} | ${c.paper.toFixed(1)} | ${c.ours === null ? '—' : c.ours.toFixed(1)} | ±${c.tolerance} | ${c.verdict} |`,
    ),
  ];
  return lines.join('\n') + '\n';
}
