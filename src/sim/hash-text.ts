/**
 * Stable hashing for the simulator. The simulator owns its hashing (instead of reusing `util`) so
 * that its world stays byte-for-byte stable whatever the rest of the project changes.
 */

// Bound once: a global lookup per call is slow in tight loops inside VM contexts (Jest runs
// tests in one), where `Math` sits behind the context's global proxy.
const imul = Math.imul;
const floor = Math.floor;

/** 32-bit FNV-1a over UTF-16 code units, finished with murmur3's avalanche step. */
export function hashText(text: string, seed = 0): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = imul(h, 0x01000193);
  }
  return finalizeHash(h);
}

/** Murmur3 fmix32: spreads every input bit over the whole word. */
export function finalizeHash(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Combines numbers and strings into one 32-bit key; order matters. */
export function hashParts(...parts: readonly (string | number)[]): number {
  let h = 0x9e3779b9;
  for (const part of parts) {
    const value =
      typeof part === 'number'
        ? finalizeHash((part >>> 0) ^ floor(part / 4294967296))
        : hashText(part);
    h = finalizeHash((h ^ value) + 0x7f4a7c15 + (h << 6) + (h >>> 2));
  }
  return h >>> 0;
}

/** Maps a 32-bit hash to [0, 1). */
export function unitFromHash(hash: number): number {
  return (hash >>> 0) / 4294967296;
}
