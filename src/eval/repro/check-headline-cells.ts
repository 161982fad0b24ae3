/**
 * The paper's headline cells (Table 5's CoT, majority and compute-optimal numbers and the rules'
 * cells, `paper-targets.ts`) beside ours on a reproduction run, each within its tolerance or not.
 */
import { HEADLINE_CELLS, type TargetPrm } from './paper-targets';
import { RunView, type ReproductionRun, type Verdict } from './run-view';
import { accuracy } from './run-world-grid';

const Q72 = 'qwen2.5-math-prm-72b';

export interface CellResult {
  id: string;
  paper: number;
  ours: number | null;
  tolerance: number;
  verdict: Verdict;
  source: string;
}

export function checkHeadlineCells(run: ReproductionRun): CellResult[] {
  const view = new RunView(run);
  return HEADLINE_CELLS.map((cell) => {
    const prm: TargetPrm = cell.prm ?? Q72;
    // CoT and majority need no PRM: any pair of the policy has them.
    const pair =
      view.pair(cell.policy, prm) ??
      (cell.prm === null
        ? ([...run.pairs.values()].find(
            (p) =>
              p.policy.family === cell.policy.family && p.policy.paramsB === cell.policy.paramsB,
          ) ?? null)
        : null);
    let ours: number | null = null;
    if (pair) {
      if (cell.measure === 'cot') ours = accuracy(pair.cells.get('cot@1'));
      else if (cell.measure === 'majority') ours = view.at(pair, 'majority', view.largest);
      else if (cell.measure === 'compute-optimal')
        ours = pair.cells.has(`beam_search@${view.largest}`) ? view.computeOptimal(pair) : null;
      else
        ours =
          cell.rule !== undefined && pair.rules.has(cell.rule)
            ? accuracy(pair.rules.get(cell.rule))
            : null;
    }
    const verdict: Verdict =
      ours === null
        ? 'not run'
        : Math.abs(ours - cell.paperValue) <= cell.tolerance
          ? 'pass'
          : 'fail';
    return {
      id: cell.id,
      paper: cell.paperValue,
      ours,
      tolerance: cell.tolerance,
      verdict,
      source: cell.source,
    };
  });
}
