/**
 * Remove every occurrence of each reserved string (markers, placeholders, control tokens).
 *
 * vLLM's tokenizers turn special-token text found in a prompt into the special token itself, so a
 * step that merely mentions `<extra_0>` would add a marker and shift every later score. Removal
 * repeats until nothing is left, because cutting one occurrence can join two halves into a new
 * one (`<extra<extra_0>_0>`).
 */
export function removeReservedText(text: string, reserved: readonly string[]): string {
  // Almost every step contains none: answer it with one scan per token and no allocation (this
  // runs for every step of every path the PRM scores).
  if (!containsAny(text, reserved)) return text;
  // One pass with the kept text as a stack: after each code unit, a reserved string that now ends
  // the kept text is popped, so an occurrence formed by a removal (`<extra<extra_0>_0>`) goes at
  // once. Linear in the text (times the reserved strings' lengths); the loop of whole-text
  // split/join passes this replaces was quadratic on nested occurrences (`<extra_` × k, `0>` × k:
  // one pass per layer), and a client's question reaches it through every PRM render.
  const tokens = reserved.filter((token) => token !== '');
  const lastUnits = new Set(tokens.map((token) => token.charCodeAt(token.length - 1)));
  const kept = new Uint16Array(text.length);
  let top = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    kept[top++] = unit;
    if (!lastUnits.has(unit)) continue;
    for (const token of tokens) {
      const length = token.length;
      if (length > top) continue;
      let j = 1;
      while (j <= length && kept[top - j] === token.charCodeAt(length - j)) j++;
      if (j > length) {
        top -= length;
        break;
      }
    }
  }
  return fromUnits(kept, top);
}

/** The first `length` UTF-16 code units of `units` as a string (in chunks: no argument-count limit). */
function fromUnits(units: Uint16Array, length: number): string {
  const CHUNK = 8192;
  let text = '';
  for (let start = 0; start < length; start += CHUNK)
    text += String.fromCharCode(...units.subarray(start, Math.min(length, start + CHUNK)));
  return text;
}

function containsAny(text: string, reserved: readonly string[]): boolean {
  for (const token of reserved) if (token !== '' && text.includes(token)) return true;
  return false;
}
