/**
 * Remove every occurrence of each reserved string (markers, placeholders, control tokens).
 *
 * vLLM's tokenizers turn special-token text found in a prompt into the special token itself, so a
 * step that merely mentions `<extra_0>` would add a marker and shift every later score. Removal
 * repeats until nothing is left, because cutting one occurrence can join two halves into a new
 * one (`<extra<extra_0>_0>`).
 */
export function removeReservedText(text: string, reserved: readonly string[]): string {
  let current = text;
  for (;;) {
    let next = current;
    for (const token of reserved) if (token !== '') next = next.split(token).join('');
    if (next === current) return current;
    current = next;
  }
}
