import { hash } from 'node:crypto';
import { LRUCache } from 'lru-cache';

/** Cache keys of PRM paths, built incrementally: a path's key is its parent's key plus one step. */
export interface PathKeys {
  /** The key of `steps` under `scope` (model + question): equal inputs give equal keys. */
  keyOf(scope: string, steps: readonly string[]): string;
}

/**
 * Step-wise search scores the same prefixes round after round, each one step longer. Hashing the
 * whole path every round costs its full length each time; here a path's key is a SHA-1 of its
 * parent's key and its last step (a hash chain, collision-free in practice like a hash of the
 * whole path), memoized per parent, so a round hashes only the new steps and finds the rest by
 * Map lookups on step strings the search already holds. Bounded: at most `maxParents` parents.
 */
export function createPathKeys(maxParents = 8192): PathKeys {
  const children = new LRUCache<string, Map<string, string>>({ max: maxParents });
  const scopes = new LRUCache<string, string>({ max: 1024 });
  const link = (parent: string, text: string): string => {
    let known = children.get(parent);
    if (known === undefined) {
      known = new Map();
      children.set(parent, known);
    }
    let child = known.get(text);
    if (child === undefined) {
      // One-shot hash of the same bytes a streaming SHA-1 would see: ~3x cheaper than createHash.
      child = hash('sha1', `${parent}\u0001${text}`, 'base64');
      known.set(text, child);
    }
    return child;
  };
  return {
    keyOf(scope, steps) {
      let key = scopes.get(scope);
      if (key === undefined) {
        key = hash('sha1', scope, 'base64');
        scopes.set(scope, key);
      }
      for (const step of steps) key = link(key, step);
      return key;
    },
  };
}
