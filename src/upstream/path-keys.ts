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
export function createPathKeys(maxScopes = 1024, maxScopeChars = 1 << 20): PathKeys {
  let scopes = new Map<string, string>();
  let scopeChars = 0;
  return {
    keyOf(scope, steps) {
      let key = scopes.get(scope);
      if (key === undefined) {
        key = hash('sha1', scope, 'base64');
        // Bounded in entries and in characters (a scope holds its question, and a long-context
        // policy takes questions of megabytes): a full memo starts over, and a question longer
        // than the whole bound is hashed each time rather than kept.
        if (scope.length > maxScopeChars) return keyAfter(key, steps);
        if (scopes.size >= maxScopes || scopeChars + scope.length > maxScopeChars) {
          scopes = new Map();
          scopeChars = 0;
        }
        scopes.set(scope, key);
        scopeChars += scope.length;
      }
      return keyAfter(key, steps);
    },
  };
}

function keyAfter(scopeKey: string, steps: readonly string[]): string {
  let text = scopeKey;
  for (const step of steps) text += `\u0001${step.length}:${step}`;
  return hash('sha1', text, 'base64');
}
