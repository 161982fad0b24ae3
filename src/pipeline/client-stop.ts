/**
 * The client's `stop` on a TTS answer. The search samples whole solutions with the family's own
 * stops (it needs them whole to vote), so the client's strings cannot stop generation; OpenAI's
 * contract is about the text returned ("will not contain the stop sequence"), and that is kept
 * by cutting the chosen text at the first one, as a server that stopped there would have ended.
 */
import type { SolveResult } from './solve-types';

/** The text before the earliest of `stops` in it, or null when none occurs. */
export function cutAtStop(text: string, stops: readonly string[]): string | null {
  let cut = -1;
  for (const stop of stops) {
    if (stop === '') continue;
    const at = text.indexOf(stop);
    if (at >= 0 && (cut < 0 || at < cut)) cut = at;
  }
  return cut < 0 ? null : text.slice(0, cut);
}

/** Cut every choice at the client's stop strings (finish `stop` where one was found); say so. */
export function applyClientStop(result: SolveResult, stops: readonly string[]): void {
  if (stops.length === 0) return;
  let cutChoices = 0;
  for (const choice of result.choices) {
    const cut = cutAtStop(choice.text, stops);
    if (cut === null) continue;
    choice.text = cut;
    choice.finishReason = 'stop';
    cutChoices += 1;
  }
  if (cutChoices > 0)
    result.metadata.warnings.push({
      code: 'stop-applied',
      message: `${cutChoices} choice(s) cut at the client's stop sequence: the search samples whole solutions, so the returned text ends where generation would have stopped`,
    });
}
