import type { GrouperStats } from '../answer';
import type { ThreadPriority } from './thread-priority';

/** Main thread → grouping worker. */
export type GroupingRequest =
  | { type: 'place'; id: number; session: number; budgetSteps: number; answers: string[] }
  | { type: 'close'; session: number };

/** Grouping worker → main thread: the group of each answer of one `place`, in order. */
export type PlaceReply =
  | { type: 'placed'; id: number; groups: (number | null)[]; stats: GrouperStats }
  | { type: 'failed'; id: number; message: string };

/**
 * Everything a grouping worker posts: `place` replies, and once after start how far it lowered
 * its own CPU priority (./thread-priority.ts).
 */
export type GroupingReply = PlaceReply | { type: 'priority'; priority: ThreadPriority };
