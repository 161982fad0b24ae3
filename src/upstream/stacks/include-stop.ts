/**
 * The Policy contract returns a matched stop string INSIDE `text` (vLLM
 * `include_stop_str_in_output: true`), so `prefix + text` is the next prefix. Stacks differ:
 * llama.cpp always cuts the stop word ("These words will not be included in the completion"),
 * SGLang cuts it unless `no_stop_trim: true`, TGI is unverified. These helpers put it back exactly
 * once (docs/upstream-apis.md (vLLM): "re-append yourself; never double it").
 */

/** The stop string `text` ends with (the longest, if several match), or null. */
export function endingStop(text: string, stops: readonly string[]): string | null {
  let best: string | null = null;
  for (const stop of stops) {
    if (stop !== '' && text.endsWith(stop) && (best === null || stop.length > best.length))
      best = stop;
  }
  return best;
}

/**
 * `text` with `matched` at its end. When the text already ends with it the upstream kept the stop
 * string (a trimmed text cannot end with its own stop string: generation would have stopped at
 * the earlier occurrence), so it is not appended twice.
 */
export function includeStop(text: string, matched: string): string {
  return text.endsWith(matched) ? text : text + matched;
}
