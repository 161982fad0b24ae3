import type { LabelDistribution, SimEngine } from '../engine/sim-engine';
import { hashParts, hashText } from '../hash-text';
import { diversifyBoxedAnswers } from '../world/answer-forms';
import { finishSequence, type FinishedSequence } from './finish-sequence';
import { sleep } from './latency-model';
import type { RouteContext } from './route-context';
import { sequenceSampling, type SamplingParams } from './sampling-params';

export interface OutputToken {
  id: number;
  text: string;
  /** Offset of the token in the returned text. */
  start: number;
}

export interface GeneratedChoice {
  /** vLLM's choice index: `promptIndex * n + j` (prompt-major). */
  index: number;
  promptIndex: number;
  finished: FinishedSequence;
  /** Tokens of the returned text, for streaming and logprobs. */
  outputTokens: OutputToken[];
  /** Forced distribution of the first token (RLHFlow labels), else null. */
  label: LabelDistribution | null;
  /** Keys this choice's synthetic logprobs. */
  key: number;
}

/** Runs the model for every prompt × n and applies stop strings and token caps. */
export function generateChoices(
  context: RouteContext,
  prompts: readonly string[],
  params: SamplingParams,
  maxTokensFor: (promptIndex: number) => number,
): GeneratedChoice[] {
  const engine: SimEngine = context.engine;
  const continuePrompt = engine.continuePrompt;
  if (!continuePrompt) throw new Error('generation on a pooling model');
  const choices: GeneratedChoice[] = [];
  prompts.forEach((prompt, promptIndex) => {
    // Hash the (long) prompt once per prompt, not once per choice.
    const promptKey = hashText(prompt);
    for (let j = 0; j < params.n; j++) {
      const sampling = sequenceSampling(params, j, context.runtime.nextServerSeed);
      const continuation = continuePrompt(prompt, sampling);
      const forms = context.runtime.answerForms;
      const text =
        forms === null
          ? continuation.text
          : diversifyBoxedAnswers(
              continuation.text,
              hashParts('spelling', sampling.seed ?? 0, promptKey, j),
              forms,
            );
      const finished = finishSequence(text, engine.tokenizer, {
        maxTokens: maxTokensFor(promptIndex),
        stop: params.stop,
        includeStopInOutput: params.includeStopInOutput,
      });
      const { ids, ends } = engine.tokenizer.encodeWithOffsets(finished.text);
      const outputTokens = ids.map((id, position) => {
        const start = position === 0 ? 0 : (ends[position - 1] ?? 0);
        return { id, text: finished.text.slice(start, ends[position]), start };
      });
      choices.push({
        index: promptIndex * params.n + j,
        promptIndex,
        finished,
        outputTokens,
        label: continuation.firstToken,
        key: hashParts('choice', sampling.seed ?? 0, promptKey, j),
      });
    }
  });
  return choices;
}

/** Waits out a non-streamed call: fixed + prefill cost, then the longest sequence's decode time. */
export async function waitForCompletion(
  context: RouteContext,
  promptTokens: number,
  choices: readonly GeneratedChoice[],
): Promise<void> {
  await sleep(context.runtime.latency.prefillMs(promptTokens), context.signal);
  const slot = context.runtime.latency.beginDecode(choices.length);
  try {
    const longest = Math.max(0, ...choices.map((choice) => choice.finished.generatedTokens));
    await sleep(slot.perTokenMs * longest, context.signal);
  } finally {
    slot.release();
  }
}

// Timers finer than this are merged, so streaming at high simulated speed stays cheap.
const MIN_TICK_MS = 5;

/**
 * Drives a stream: after the prefill wait, calls `emit(from, to)` for consecutive token positions,
 * spaced by the simulated decode time. With zero latency every position is its own tick.
 */
export async function streamPositions(
  context: RouteContext,
  promptTokens: number,
  choices: readonly GeneratedChoice[],
  emit: (from: number, to: number) => void,
): Promise<void> {
  await sleep(context.runtime.latency.prefillMs(promptTokens), context.signal);
  const slot = context.runtime.latency.beginDecode(choices.length);
  try {
    const longest = Math.max(1, ...choices.map((choice) => choice.outputTokens.length));
    const perTick = slot.perTokenMs > 0 ? Math.max(1, Math.ceil(MIN_TICK_MS / slot.perTokenMs)) : 1;
    for (let from = 0; from < longest; from += perTick) {
      if (slot.perTokenMs > 0) await sleep(slot.perTokenMs * perTick, context.signal);
      else await new Promise<void>((resolve) => setImmediate(resolve));
      if (context.signal.aborted) throw context.signal.reason;
      emit(from, Math.min(longest, from + perTick));
    }
  } finally {
    slot.release();
  }
}
