import type { Continuation, LabelDistribution, SequenceSampling } from '../engine/sim-engine';
import { hashParts, hashText } from '../hash-text';
import type { SimTokenizer } from '../tokenizer/sim-tokenizer';
import { diversifyBoxedAnswers } from '../world/answer-forms';
import { finishSequence, type FinishedSequence } from './finish-sequence';
import { sleep, waitServiceTime } from './latency-model';
import type { RouteContext } from './route-context';
import { sequenceSampling, type SamplingParams } from './sampling-params';
import { createWorkSlices } from './work-slices';

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
  /** Tokens of the returned text, for streaming and logprobs (computed on first use). */
  readonly outputTokens: OutputToken[];
  /** Forced distribution of the first token (RLHFlow labels), else null. */
  label: LabelDistribution | null;
  /** Keys this choice's synthetic logprobs. */
  key: number;
}

type PromptWriter = (sampling: SequenceSampling) => Continuation;

/** One sequence to write, with everything drawn from server-wide state already fixed. */
interface PlannedChoice {
  promptIndex: number;
  /** Child index within its prompt (`j` of vLLM's `promptIndex * n + j`). */
  j: number;
  sampling: SequenceSampling;
}

/**
 * Runs the model for every prompt × n and applies stop strings and token caps. Sequences are
 * written in slices of at most `runtime.generationSliceMs` with the event loop free in between;
 * every server-drawn seed is taken before the first slice, so which sequence gets which seed
 * never depends on how the slices interleave with other requests.
 * @throws the signal's reason when the client disconnects mid-generation
 */
export async function generateChoices(
  context: RouteContext,
  prompts: readonly string[],
  params: SamplingParams,
  maxTokensFor: (promptIndex: number) => number,
): Promise<GeneratedChoice[]> {
  const continuePrompt = context.engine.continuePrompt;
  if (!continuePrompt) throw new Error('generation on a pooling model');
  // In vLLM's choice order (prompt-major), as the seeds were always drawn.
  const samplings = prompts.map(() =>
    Array.from({ length: params.n }, (_, j) =>
      sequenceSampling(params, j, context.runtime.nextServerSeed),
    ),
  );
  const slices = createWorkSlices(context.runtime.generationSliceMs, context.signal);
  const limits = {
    maxTokens: 0,
    stop: params.stop,
    includeStopInOutput: params.includeStopInOutput,
    n: params.n,
  };
  const choices: GeneratedChoice[] = [];
  for (const [promptIndex, prompt] of prompts.entries()) {
    // The (long) prompt is read and hashed once per prompt, not once per choice.
    const write = continuePrompt(prompt, params.stop);
    const promptKey = hashText(prompt);
    const maxTokens = maxTokensFor(promptIndex);
    for (const [j, sampling] of (samplings[promptIndex] ?? []).entries()) {
      if (slices.isDue()) await slices.next();
      const plan = { promptIndex, j, sampling };
      choices.push(writeChoice(context, plan, promptKey, write, { ...limits, maxTokens }));
    }
  }
  return choices;
}

/** One choice: the model's continuation, answer spellings, stop strings and token cap applied. */
function writeChoice(
  context: RouteContext,
  plan: PlannedChoice,
  promptKey: number,
  write: PromptWriter,
  limits: { maxTokens: number; stop: readonly string[]; includeStopInOutput: boolean; n: number },
): GeneratedChoice {
  const { sampling, j } = plan;
  const tokenizer = context.engine.tokenizer;
  const continuation = write(sampling);
  const forms = context.runtime.answerForms;
  const text =
    forms === null
      ? continuation.text
      : diversifyBoxedAnswers(
          continuation.text,
          hashParts('spelling', sampling.seed ?? 0, promptKey, j),
          forms,
        );
  const finished = finishSequence(text, tokenizer, limits);
  return new Choice(
    plan.promptIndex * limits.n + j,
    plan.promptIndex,
    finished,
    continuation.firstToken,
    hashParts('choice', sampling.seed ?? 0, promptKey, j),
    tokenizer,
  );
}

/**
 * A generated choice whose tokens are computed on first read: only streams, logprobs and token
 * ids need them, so most answers never tokenize their text twice. A getter on this prototype,
 * not in an object literal: a getter defined with a new closure per choice kept the request alive
 * through scavenges (measured: docs/performance.md#what-a-scavenge-keeps).
 */
class Choice implements GeneratedChoice {
  readonly #tokenizer: SimTokenizer;
  #outputTokens: OutputToken[] | null = null;

  constructor(
    readonly index: number,
    readonly promptIndex: number,
    readonly finished: FinishedSequence,
    readonly label: LabelDistribution | null,
    readonly key: number,
    tokenizer: SimTokenizer,
  ) {
    this.#tokenizer = tokenizer;
  }

  get outputTokens(): OutputToken[] {
    this.#outputTokens ??= tokensOf(this.finished.text, this.#tokenizer);
    return this.#outputTokens;
  }
}

function tokensOf(text: string, tokenizer: SimTokenizer): OutputToken[] {
  const { ids, ends } = tokenizer.encodeWithOffsets(text);
  return ids.map((id, position) => {
    const start = position === 0 ? 0 : (ends[position - 1] ?? 0);
    return { id, text: text.slice(start, ends[position]), start };
  });
}

/**
 * Waits out a non-streamed call: fixed + prefill cost (counted from the request's arrival), then
 * the longest sequence's decode time.
 */
export async function waitForCompletion(
  context: RouteContext,
  promptTokens: number,
  choices: readonly GeneratedChoice[],
): Promise<void> {
  const prefillMs = context.runtime.latency.prefillMs(promptTokens);
  await waitServiceTime(context.serviceStart, prefillMs, context.signal);
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
 * Drives a stream: after the prefill wait (counted from the request's arrival), calls
 * `emit(from, to)` for consecutive token positions, spaced by the simulated decode time. With zero
 * latency every position is its own tick.
 */
export async function streamPositions(
  context: RouteContext,
  promptTokens: number,
  choices: readonly GeneratedChoice[],
  emit: (from: number, to: number) => void,
): Promise<void> {
  const prefillMs = context.runtime.latency.prefillMs(promptTokens);
  await waitServiceTime(context.serviceStart, prefillMs, context.signal);
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
