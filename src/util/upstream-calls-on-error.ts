/**
 * Upstream calls made before a failure, carried beside the error itself, so a layer that counts
 * calls (the pipeline's usage, a search's usage) can count the ones a failed operation made
 * without the failing adapter knowing that layer.
 *
 * Kept beside the error object, not on it, as a list of what each failure added: an abort reason
 * is one object that several concurrent calls throw. Each counting layer passes its own `taker`
 * and gets what was added since it last took, so neither concurrent failures (each adds its own)
 * nor layers nested around one call (each takes for itself) lose or double a call.
 */
interface Tally {
  added: number[];
  /** Per taker, how many entries of `added` it has taken. */
  takenBy: WeakMap<object, number>;
}

// eslint-disable-next-line no-restricted-syntax -- keys are the errors of failed calls: only a failure keeps its tally until a mark-compact.
const tallies = new WeakMap<object, Tally>();

/** Add `calls` (0 included: "no call was made") to what `error` carries; primitives carry nothing. */
export function addUpstreamCallsTo(error: unknown, calls: number): void {
  if (typeof error !== 'object' || error === null || !(calls >= 0)) return;
  let tally = tallies.get(error);
  if (tally === undefined) {
    // eslint-disable-next-line no-restricted-syntax -- one per failed call's error, as above.
    tally = { added: [], takenBy: new WeakMap() };
    tallies.set(error, tally);
  }
  tally.added.push(calls);
}

/**
 * The calls added to `error` since `taker` last took from it, or undefined when nothing was ever
 * added (an adapter that does not report: the caller falls back on its own estimate).
 */
export function takeUpstreamCallsFrom(error: unknown, taker: object): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const tally = tallies.get(error);
  if (tally === undefined) return undefined;
  const from = tally.takenBy.get(taker) ?? 0;
  tally.takenBy.set(taker, tally.added.length);
  return tally.added.slice(from).reduce((sum, calls) => sum + calls, 0);
}
