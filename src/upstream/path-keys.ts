import { hash } from 'node:crypto';

/** Cache keys of PRM paths. */
export interface PathKeys {
  /** The key of `steps` under `scope` (model + question): equal inputs give equal keys. */
  keyOf(scope: string, steps: readonly string[]): string;
}

/**
 * A path's key is one SHA-1 of its scope's key and its steps, each step written after a
 * separator and its length (so step boundaries count: `['ab', 'c']` and `['a', 'bc']` differ,
 * whatever characters a step holds). One one-shot `crypto.hash` per path: a hash chain (parent
 * key + step, one hash per step) hashed the same step texts plus a key per link, in one native
 * call and one joined string per step, and without a memo of the links it never reused them
 * (docs/voting-cost.md#prm-path-keys-srcupstreampath-keysts). Only the scope's key is memoized.
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
      let text = key;
      for (const step of steps) text += `\u0001${step.length}:${step}`;
      return hash('sha1', text, 'base64');
    },
  };
}
