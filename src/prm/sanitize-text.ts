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
  let current = text;
  for (;;) {
    let next = current;
    for (const token of reserved) if (token !== '') next = next.split(token).join('');
    if (next === current) return current;
    current = next;
  }
}

function containsAny(text: string, reserved: readonly string[]): boolean {
  for (const token of reserved) if (token !== '' && text.includes(token)) return true;
  return false;
}
