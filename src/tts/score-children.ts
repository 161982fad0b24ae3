/**
 * Scoring and ranking of a round's children, shared by beam search and DVTS. The PRM always
 * scores the whole path (c.1 of the research notes); a caching verifier makes the repeated
 * prefixes cheap.
 */
import type { ChildPath } from './expand-paths';
import type { SearchRun } from './search-run';
import type { Aggregation } from './search-types';
import { aggregateScores } from './step-scores';

/**
 * Score every child that has a new step, in ONE verifier call (none when no child needs one), and
 * store the scores on the children.
 *
 * @throws whatever `run.score` throws; the children are then left unchanged.
 */
export async function scoreChildren(run: SearchRun, children: readonly ChildPath[]): Promise<void> {
  const pending = children.filter((child) => child.needsScore);
  if (pending.length === 0) return;
  const scores = await run.score(pending.map((child) => child.path.steps));
  pending.forEach((child, i) => {
    child.path.stepScores = scores[i] ?? null;
    child.needsScore = false;
  });
}

/**
 * A child's rank value: its aggregated step scores (-1 without scores); 0 for a parent that ended
 * unchanged (`ChildPath.endsUnchanged`).
 */
export function childValue(child: ChildPath, how: Aggregation): number {
  if (child.endsUnchanged) return 0;
  return aggregateScores(child.path.stepScores ?? [], how);
}

/** Children by descending value; ties keep their generation order, so ranking is deterministic. */
export function rankChildren(children: readonly ChildPath[], how: Aggregation): ChildPath[] {
  return children
    .map((child, order) => ({ child, order, value: childValue(child, how) }))
    .sort((a, b) => b.value - a.value || a.order - b.order)
    .map(({ child }) => child);
}

/** The best value among the children, for progress events. */
export function bestValue(children: readonly ChildPath[], how: Aggregation): number | null {
  return children.reduce<number | null>((best, child) => {
    const value = childValue(child, how);
    return best === null || value > best ? value : best;
  }, null);
}
