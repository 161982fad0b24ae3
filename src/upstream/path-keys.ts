import { hash } from 'node:crypto';

/** Cache keys of PRM paths: a path's key is its parent's key plus one step. */
export interface PathKeys {
  /** The key of `steps` under `scope` (model + question): equal inputs give equal keys. */
  keyOf(scope: string, steps: readonly string[]): string;
}

/**
 * A path's key is a SHA-1 of its parent's key and its last step (a hash chain, collision-free in
 * practice like a hash of the whole path, and never a hash of the whole text at once). Each step
 * costs one one-shot `crypto.hash` of ~30 bytes plus the step (~0.6-1 µs). Only the scope's key
 * is memoized: a memo of every (parent, step) pair saved a hash on repeated prefixes (beam
 * rounds) but cost ~3 µs per new step in map inserts and retained step strings, more than the
 * hashes it saved at the depths searches reach (docs/voting-cost.md#prm-path-keys-srcupstreampath-keysts).
 */
export function createPathKeys(maxScopes = 1024): PathKeys {
  let scopes = new Map<string, string>();
  return {
    keyOf(scope, steps) {
      let key = scopes.get(scope);
      if (key === undefined) {
        key = hash('sha1', scope, 'base64');
        // Bounded: a full memo starts over (one hash per request to refill).
        if (scopes.size >= maxScopes) scopes = new Map();
        scopes.set(scope, key);
      }
      for (const step of steps) key = hash('sha1', `${key}\u0001${step}`, 'base64');
      return key;
    },
  };
}
