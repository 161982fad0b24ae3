import type { SimTokenizer } from '../tokenizer/sim-tokenizer';

export type FinishReason = 'stop' | 'length';

export interface FinishedSequence {
  /** The text returned to the client (stop string cut unless included). */
  text: string;
  /** Tokens generated, including a stop string cut from `text` (vLLM counts the whole last token). */
  generatedTokens: number;
  finishReason: FinishReason;
  /** The matched stop string, or null for EOS and length (vLLM's `stop_reason`). */
  stopReason: string | null;
}

/**
 * Applies stop strings and the token cap to the model's full continuation, the way vLLM does it
 * while decoding: the first stop string to complete (earliest token; list order breaks ties)
 * ends the sequence, unless `maxTokens` is reached first.
 */
export function finishSequence(
  fullText: string,
  tokenizer: SimTokenizer,
  options: { maxTokens: number; stop: readonly string[]; includeStopInOutput: boolean },
): FinishedSequence {
  const { ends } = tokenizer.encodeWithOffsets(fullText);
  const tokenEndingAt = (offset: number): number => ends.findIndex((end) => end >= offset);
  let best: { token: number; at: number; stop: string } | null = null;
  for (const stop of options.stop) {
    const at = fullText.indexOf(stop);
    if (at === -1) continue;
    const token = tokenEndingAt(at + stop.length);
    if (best === null || token < best.token) best = { token, at, stop };
  }
  if (best !== null && best.token < options.maxTokens) {
    return {
      text: fullText.slice(0, options.includeStopInOutput ? best.at + best.stop.length : best.at),
      generatedTokens: best.token + 1,
      finishReason: 'stop',
      stopReason: best.stop,
    };
  }
  if (ends.length > options.maxTokens) {
    return {
      text: fullText.slice(0, ends[options.maxTokens - 1] ?? 0),
      generatedTokens: options.maxTokens,
      finishReason: 'length',
      stopReason: null,
    };
  }
  return { text: fullText, generatedTokens: ends.length, finishReason: 'stop', stopReason: null };
}
