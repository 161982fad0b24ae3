/**
 * @module workers — worker threads for pure but heavy work (answer grouping with the symbolic
 * evaluator), so it never runs on the event loop. Built by the composition root and injected.
 */
export { createGroupingPool, type GroupingPool, type GroupingPoolOptions } from './grouping-pool';
export type { ThreadPriority } from './thread-priority';
