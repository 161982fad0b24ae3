/**
 * Worker thread entry: groups answers for the sessions pinned to this worker, so the symbolic
 * evaluator and answer normalization never run on the server's event loop. State per session is
 * one `AnswerGrouper` (incremental across early-stop batches), dropped on `close`.
 */
import { parentPort } from 'node:worker_threads';
import { AnswerGrouper } from '../answer';
import type { GroupingReply, GroupingRequest, PlaceReply } from './grouping-protocol';
import { lowerOwnThreadPriority, type ThreadPriority } from './thread-priority';

/** Sessions a worker keeps at most: a leak (a request that never closes) cannot grow without end. */
const MAX_SESSIONS = 4096;

export function handleGroupingRequest(
  sessions: Map<number, AnswerGrouper>,
  request: GroupingRequest,
): PlaceReply | null {
  if (request.type === 'close') {
    sessions.delete(request.session);
    return null;
  }
  try {
    let grouper = sessions.get(request.session);
    if (grouper === undefined) {
      grouper = new AnswerGrouper({ budgetSteps: request.budgetSteps });
      sessions.set(request.session, grouper);
      if (sessions.size > MAX_SESSIONS) {
        const oldest = sessions.keys().next().value;
        if (oldest !== undefined) sessions.delete(oldest);
      }
    }
    grouper.add(request.answers);
    const placed = grouper;
    return {
      type: 'placed',
      id: request.id,
      groups: request.answers.map((answer) => placed.groupOf(answer)),
      stats: placed.stats(),
    };
  } catch (error) {
    return {
      type: 'failed',
      id: request.id,
      message: error instanceof Error ? error.message : String(error),
    };
  }
}

if (parentPort !== null) {
  const port = parentPort;
  // Best effort and asynchronous: messages are served meanwhile (at nice 10 already).
  void lowerOwnThreadPriority()
    .catch((): ThreadPriority => 'unchanged')
    .then((priority) => {
      const reply: GroupingReply = { type: 'priority', priority };
      port.postMessage(reply);
    });
  const sessions = new Map<number, AnswerGrouper>();
  port.on('message', (request: GroupingRequest) => {
    const reply = handleGroupingRequest(sessions, request);
    if (reply !== null) port.postMessage(reply);
  });
}
