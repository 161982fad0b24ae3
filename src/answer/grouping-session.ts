import { AnswerGrouper, type GrouperStats } from './answer-grouper';

/** What voting reads: where each answer went. `add` places any answer not placed yet, here. */
export interface AnswerGrouping {
  add(answers: readonly (string | null)[]): void;
  groupOf(answer: string | null): number | null;
  stats(): GrouperStats;
}

/**
 * One request's grouping, possibly computed elsewhere: `place` (awaited before voting) does the
 * comparisons, so `add` during the vote finds every answer placed and does nothing.
 */
export interface GroupingSession extends AnswerGrouping {
  place(answers: readonly (string | null)[]): Promise<void>;
  /** Frees the session's state; the session must not be used afterwards. */
  close(): void;
}

/** Opens one grouping session per request. The composition root picks the implementation. */
export interface GroupingService {
  openSession(options?: { budgetSteps?: number }): GroupingSession;
}

/** Sessions on the calling thread: `place` groups synchronously. For tests, CLI and fallbacks. */
export function createLocalGroupingService(): GroupingService {
  return {
    openSession: (options = {}) => {
      const grouper = new AnswerGrouper(
        options.budgetSteps === undefined ? {} : { budgetSteps: options.budgetSteps },
      );
      return {
        add: (answers) => grouper.add(answers),
        groupOf: (answer) => grouper.groupOf(answer),
        stats: () => grouper.stats(),
        place: (answers) => {
          grouper.add(answers);
          return Promise.resolve();
        },
        close: () => undefined,
      };
    },
  };
}
