/**
 * A pool of worker threads that group answers (src/workers/grouping-worker.ts), so that voting
 * over many distinct symbolic answers never stalls the event loop: the main thread only posts the
 * answers and reads back their groups. Each request's session is pinned to one worker, which
 * keeps its incremental state. A worker that dies fails its sessions over to key equality,
 * labelled `worker-failed` in the session's stats, and is replaced for new sessions.
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import {
  AnswerGrouper,
  DEFAULT_BUDGET_STEPS,
  type GrouperStats,
  type GroupingService,
  type GroupingSession,
} from '../answer';
import type { GroupingReply, GroupingRequest, PlaceReply } from './grouping-protocol';
import type { ThreadPriority } from './thread-priority';

export interface GroupingPool extends GroupingService {
  /** Terminates the workers; sessions still open degrade to key equality. */
  close(): Promise<void>;
}

interface Slot {
  worker: Worker;
  generation: number;
  pending: Map<number, { resolve: (reply: PlaceReply) => void; reject: (error: Error) => void }>;
}

export interface GroupingPoolOptions {
  size: number;
  /** Overrides the worker entry (tests). */
  workerScript?: string;
  /** Each started worker's report of how far it lowered its CPU priority (a log line). */
  onPriority?: (priority: ThreadPriority) => void;
}

/** `size` workers (at least 1), each started on first use. */
export function createGroupingPool(options: GroupingPoolOptions): GroupingPool {
  const size = Math.max(1, Math.floor(options.size));
  const slots: (Slot | null)[] = Array.from({ length: size }, () => null);
  let nextRequest = 1;
  let nextSession = 1;
  let generation = 0;
  let isClosed = false;

  const spawn = (index: number): Slot => {
    const worker = startWorker(options.workerScript);
    worker.unref();
    generation += 1;
    const slot: Slot = { worker, generation, pending: new Map() };
    const failAll = (error: Error): void => {
      for (const { reject } of slot.pending.values()) reject(error);
      slot.pending.clear();
      if (slots[index] === slot) slots[index] = null;
    };
    worker.on('message', (reply: GroupingReply) => {
      if (reply.type === 'priority') {
        options.onPriority?.(reply.priority);
        return;
      }
      const waiter = slot.pending.get(reply.id);
      if (waiter === undefined) return;
      slot.pending.delete(reply.id);
      waiter.resolve(reply);
    });
    worker.on('error', failAll);
    worker.on('exit', (code) => failAll(new Error(`grouping worker exited with code ${code}`)));
    slots[index] = slot;
    return slot;
  };

  const slotFor = (index: number): Slot => slots[index] ?? spawn(index);

  const send = (slot: Slot, request: GroupingRequest & { type: 'place' }): Promise<PlaceReply> =>
    new Promise((resolve, reject) => {
      slot.pending.set(request.id, { resolve, reject });
      slot.worker.postMessage(request);
    });

  return {
    openSession: (sessionOptions = {}) => {
      const session = nextSession++;
      const index = session % size;
      const budgetSteps = sessionOptions.budgetSteps ?? DEFAULT_BUDGET_STEPS;
      const pinned = isClosed ? null : slotFor(index);
      return new WorkerSession({
        budgetSteps,
        place: async (answers) => {
          const slot = slots[index];
          // A replaced worker does not hold this session's groups: never mix the two.
          if (
            isClosed ||
            pinned === null ||
            slot !== pinned ||
            slot.generation !== pinned.generation
          ) {
            throw new Error('grouping worker unavailable');
          }
          const reply = await send(slot, {
            type: 'place',
            id: nextRequest++,
            session,
            budgetSteps,
            answers,
          });
          if (reply.type === 'failed') throw new Error(reply.message);
          return reply;
        },
        close: () => {
          if (pinned !== null && slots[index] === pinned)
            pinned.worker.postMessage({ type: 'close', session });
        },
      });
    },
    close: async () => {
      isClosed = true;
      await Promise.all(
        slots.map(async (slot, index) => {
          slots[index] = null;
          if (slot !== null) await slot.worker.terminate();
        }),
      );
    },
  };
}

/**
 * Built code runs the compiled worker next to this file. Under ts sources (Jest, which compiles
 * in memory with SWC) the worker compiles its own modules the same way, with SWC (a dev
 * dependency: only this branch needs it).
 */
function startWorker(workerScript: string | undefined): Worker {
  const script = workerScript ?? path.join(__dirname, `grouping-worker${path.extname(__filename)}`);
  if (!script.endsWith('.ts')) return new Worker(script);
  // Resolved here: an eval'd worker resolves bare names from the working directory, not from us.
  const swcPath = require.resolve('@swc/core');
  const bootstrap = `
const fs = require('node:fs');
const swc = require(${JSON.stringify(swcPath)});
require.extensions['.ts'] = (module, filename) => {
  const { code } = swc.transformSync(fs.readFileSync(filename, 'utf8'), {
    filename, jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' },
  });
  module._compile(code, filename);
};
require(${JSON.stringify(script)});`;
  return new Worker(bootstrap, { eval: true });
}

const FALLBACK_GROUP_OFFSET = 1_000_000;

/**
 * Plain decimal numerals: their fingerprint is their value, so placing one never reaches the
 * expression evaluator and costs microseconds, less than a worker round trip (two thread
 * wake-ups and two structured clones, ~4% of a Best-of-N-16 request's CPU in the bench).
 */
const PLAIN_NUMERAL = /^-?\d{1,15}(?:\.\d{1,15})?$/;

/** Distinct answers a session places on the main thread at most before handing over to its worker. */
const MAIN_THREAD_ANSWERS = 64;

interface SessionTransport {
  budgetSteps: number;
  place(answers: string[]): Promise<PlaceReply & { type: 'placed' }>;
  close(): void;
}

/**
 * The main-thread side of one session: a cache of the worker's placements. While every answer is
 * a plain numeral (and there are few), the session groups them itself with the same grouper the
 * worker runs; the first batch that needs more goes to the worker together with those answers,
 * in the order they came, so the worker's grouper replays them into the same groups and stats.
 */
class WorkerSession implements GroupingSession {
  private readonly placed = new Map<string, number | null>();
  private latest: GrouperStats = emptyStats();
  private fallback: AnswerGrouper | null = null;
  private queue: Promise<void> = Promise.resolve();
  /** Grouping on this thread (plain numerals only); null once the worker holds the session. */
  private local: { grouper: AnswerGrouper; answers: string[] } | null = null;
  private isHandedOver = false;

  constructor(private readonly transport: SessionTransport) {}

  place(answers: readonly (string | null)[]): Promise<void> {
    const run = this.queue.then(() => this.placeNow(answers));
    this.queue = run.catch(() => undefined);
    return run;
  }

  add(answers: readonly (string | null)[]): void {
    const fresh = this.freshOf(answers);
    if (fresh.length > 0) this.placeByKey(fresh, 'not-placed');
  }

  groupOf(answer: string | null): number | null {
    return answer === null ? null : (this.placed.get(answer) ?? null);
  }

  stats(): GrouperStats {
    const local = this.fallback?.stats();
    return {
      ...this.latest,
      distinctAnswers: this.latest.distinctAnswers + (local?.distinctAnswers ?? 0),
      skippedComparisons: this.latest.skippedComparisons + (local?.skippedComparisons ?? 0),
      degradedReason: this.degradedReason ?? this.latest.degradedReason,
    };
  }

  close(): void {
    // A session the worker never saw has nothing there to free.
    if (this.isHandedOver) this.transport.close();
  }

  private degradedReason: GrouperStats['degradedReason'] = null;

  private async placeNow(answers: readonly (string | null)[]): Promise<void> {
    const fresh = this.freshOf(answers);
    if (fresh.length === 0) return;
    if (this.fallback !== null) {
      this.placeByKey(fresh, 'worker-failed');
      return;
    }
    if (this.placeHere(fresh)) return;
    const batch = [...(this.local?.answers ?? []), ...fresh];
    this.local = null;
    this.isHandedOver = true;
    try {
      const reply = await this.transport.place(batch);
      batch.forEach((answer, index) => this.placed.set(answer, reply.groups[index] ?? null));
      this.latest = reply.stats;
    } catch {
      this.placeByKey(fresh, 'worker-failed');
    }
  }

  /** Places `fresh` on this thread when that is cheap (see {@link PLAIN_NUMERAL}); else false. */
  private placeHere(fresh: readonly string[]): boolean {
    if (this.isHandedOver) return false;
    const count = (this.local?.answers.length ?? 0) + fresh.length;
    if (count > MAIN_THREAD_ANSWERS || !fresh.every((answer) => PLAIN_NUMERAL.test(answer)))
      return false;
    this.local ??= {
      grouper: new AnswerGrouper({ budgetSteps: this.transport.budgetSteps }),
      answers: [],
    };
    const { grouper } = this.local;
    grouper.add(fresh);
    for (const answer of fresh) this.placed.set(answer, grouper.groupOf(answer));
    this.local.answers.push(...fresh);
    this.latest = grouper.stats();
    return true;
  }

  private freshOf(answers: readonly (string | null)[]): string[] {
    const fresh = new Set<string>();
    for (const answer of answers) {
      if (answer !== null && answer.trim() !== '' && !this.placed.has(answer)) fresh.add(answer);
    }
    return [...fresh];
  }

  /** Key equality only (no comparisons), in group numbers the worker never uses. */
  private placeByKey(fresh: readonly string[], reason: 'worker-failed' | 'not-placed'): void {
    this.degradedReason ??= reason;
    this.fallback ??= new AnswerGrouper({ budgetSteps: 0 });
    const fallback = this.fallback;
    fallback.add(fresh);
    for (const answer of fresh) {
      const group = fallback.groupOf(answer);
      this.placed.set(answer, group === null ? null : FALLBACK_GROUP_OFFSET + group);
    }
  }
}

function emptyStats(): GrouperStats {
  return {
    distinctAnswers: 0,
    plainComparisons: 0,
    symbolicComparisons: 0,
    stepsUsed: 0,
    skippedComparisons: 0,
    degradedReason: null,
  };
}
