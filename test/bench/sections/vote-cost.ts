/**
 * Voting cost over distinct symbolic answers (fractions, radicals, intervals, tuples,
 * polynomials: `answerForm`), in this process: main-thread time of grouping + vote
 * - `naive`: the pre-issue-18 rule (every answer compared with every group, engine on this thread),
 *   only where it finishes in reasonable time;
 * - `local`: the bounded `AnswerGrouper` on this thread;
 * - `pool`: a grouping session in a worker thread (what the server does): event-loop active time
 *   main-thread CPU (from /proc, the event loop's own thread only) and the longest event-loop
 *   stall while placing and voting, and the wall time.
 * Every measurement uses answers never seen before in this process (no cache reuse).
 */
import { AnswerGrouper, vote, type AnswerGrouping, type GrouperStats } from '../../../src/answer';
import { votingEquivalent } from '../../../src/answer/answer-grouper';
import { answerForm } from '../../../src/sim';
import { createGroupingPool } from '../../../src/workers';
import { threadCpuMs } from '../lib/proc-stats';
import { round } from '../lib/summarize';

export interface VoteCostOptions {
  sizes: readonly number[];
  /** Largest N the naive rule is run at. */
  naiveMaxN: number;
  /** Votes per measurement at most (CPU ticks are 10 ms: repetitions average them out). */
  repetitions: number;
}

let nextIndex = 100_000;

function freshAnswers(count: number): string[] {
  const start = nextIndex;
  nextIndex += count;
  return Array.from({ length: count }, (_, i) => {
    const { spellings } = answerForm(start + i);
    return spellings[i % spellings.length] ?? '';
  });
}

function naiveGroups(answers: readonly string[]): AnswerGrouping {
  const representatives: string[] = [];
  const groups = new Map<string, number>();
  for (const answer of answers) {
    if (groups.has(answer)) continue;
    const found = representatives.findIndex((other) => votingEquivalent(other, answer));
    groups.set(answer, found >= 0 ? found : representatives.push(answer) - 1);
  }
  const stats: GrouperStats = {
    distinctAnswers: groups.size,
    plainComparisons: 0,
    symbolicComparisons: 0,
    stepsUsed: 0,
    skippedComparisons: 0,
    degradedReason: null,
  };
  return {
    add: () => undefined,
    groupOf: (a) => (a === null ? null : (groups.get(a) ?? null)),
    stats: () => stats,
  };
}

const candidates = (answers: readonly string[]): { answer: string; score: number }[] =>
  answers.map((answer, i) => ({ answer, score: (i % 7) / 7 }));

interface Arm {
  /** Main-thread CPU per vote (ms), from /proc over all repetitions (10 ms ticks, averaged). */
  main_thread_cpu_ms: number;
  /** Longest gap between 1 ms timer ticks during the votes: how long the event loop was stalled. */
  max_event_loop_gap_ms: number;
  wall_ms: number;
  groups: number;
  stats: GrouperStats;
}

/** Runs `vote` `repetitions` times on fresh answers and measures this thread while it does. */
async function measure(
  n: number,
  repetitions: number,
  run: (answers: string[]) => Promise<{ groups: number; stats: GrouperStats }>,
): Promise<Arm> {
  let last = performance.now();
  let maxGap = 0;
  const ticker = setInterval(() => {
    const now = performance.now();
    maxGap = Math.max(maxGap, now - last);
    last = now;
  }, 1);
  const cpuBefore = threadCpuMs(process.pid);
  const started = performance.now();
  let result = { groups: 0, stats: emptyStats() };
  try {
    for (let r = 0; r < repetitions; r++) result = await run(freshAnswers(n));
  } finally {
    clearInterval(ticker);
  }
  const wallMs = performance.now() - started;
  maxGap = Math.max(maxGap, performance.now() - last);
  return {
    main_thread_cpu_ms: round((threadCpuMs(process.pid) - cpuBefore) / repetitions, 1),
    max_event_loop_gap_ms: round(maxGap, 1),
    wall_ms: round(wallMs / repetitions, 1),
    ...result,
  };
}

function emptyStats(): GrouperStats {
  return naiveGroups([]).stats();
}

export async function runVoteCost(options: VoteCostOptions): Promise<Record<string, unknown>> {
  const pool = createGroupingPool({ size: 1 });
  // Load the engine and warm both threads once (not measured).
  new AnswerGrouper().add(freshAnswers(24));
  const warm = pool.openSession();
  await warm.place(freshAnswers(24));
  warm.close();
  const out: Record<string, unknown> = {
    definitions:
      'naive: the pre-issue-18 rule (each answer against each group, engine on this thread); local: the bounded AnswerGrouper on this thread; pool: a grouping session in a worker thread, as the server runs it. Fresh answers for every vote.',
  };
  try {
    for (const n of options.sizes) {
      const repetitions = Math.max(1, Math.min(options.repetitions, Math.ceil(1024 / n)));
      const naive =
        n <= options.naiveMaxN
          ? await measure(n, 1, (answers) => {
              const grouping = naiveGroups(answers);
              const result = vote(candidates(answers), 'prm_vote', { grouper: grouping });
              return Promise.resolve({ groups: result.groups.length, stats: grouping.stats() });
            })
          : null;
      const local = await measure(n, repetitions, (answers) => {
        const grouper = new AnswerGrouper();
        const result = vote(candidates(answers), 'prm_vote', { grouper });
        return Promise.resolve({ groups: result.groups.length, stats: grouper.stats() });
      });
      const inWorker = await measure(n, repetitions, async (answers) => {
        const session = pool.openSession();
        try {
          await session.place(answers);
          const result = vote(candidates(answers), 'prm_vote', { grouper: session });
          return { groups: result.groups.length, stats: session.stats() };
        } finally {
          session.close();
        }
      });
      out[`n${n}`] = { n, repetitions, naive, local, pool: inWorker };
    }
  } finally {
    await pool.close();
  }
  return out;
}
