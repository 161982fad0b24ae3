import type { GrouperStats } from '../answer';

/** Main thread → grouping worker. */
export type GroupingRequest =
  | { type: 'place'; id: number; session: number; budgetSteps: number; answers: string[] }
  | { type: 'close'; session: number };

/** Grouping worker → main thread: the group of each answer of one `place`, in order. */
export type GroupingReply =
  | { type: 'placed'; id: number; groups: (number | null)[]; stats: GrouperStats }
  | { type: 'failed'; id: number; message: string };
