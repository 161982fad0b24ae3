/**
 * The tokenization side of one PRM `score` (prm-verifier.ts): which inputs must go as ids, their
 * `/tokenize` calls (counted), and what goes on the wire. Split from the verifier so that the
 * usual pooling call, whose texts go as they are, makes no per-call closures.
 */
import { InvalidUpstreamResponseError } from '../../errors';
import { preparePrmTokens, type PreparedPrmTokens, type PrmFamily, type PrmInput } from '../../prm';
import type { BatchTokenizer } from './prm-tokenize-batch';

/** Characters per token below which no real tokenizer goes; used to skip /tokenize safely. */
const MIN_CHARS_PER_TOKEN = 1;
/** Re-rendered inputs tokenized at most to fit one path (each is one counted `/tokenize`). */
const MAX_FIT_RENDERS = 6;

/** Upstream calls of one `score`, counted as each is made. */
export interface CallCount {
  calls: number;
}

/** What tokenizing a `score`'s inputs needs from its verifier. */
export interface TokenizingContext {
  family: PrmFamily;
  batchTokenizer: BatchTokenizer;
  maxInputTokens: number;
  upstream: string;
}

/** What goes on the wire per input: its ids where prepared, else its text. */
export function payloadOf(
  inputs: readonly PrmInput[],
  prepared: readonly (PreparedPrmTokens | null)[],
): (string | number[])[] {
  const payload: (string | number[])[] = [];
  for (let k = 0; k < inputs.length; k++)
    payload.push(prepared[k]?.ids ?? (inputs[k] as PrmInput).text);
  return payload;
}

/**
 * One score per step. A path cut to fit loses its earliest steps; their scores are unknown and
 * stand at the mean of the known ones (the path is flagged as truncated), which leaves PRM-Min,
 * -Last and -Avg what they are over the scored steps (the first known score, as before, weighed
 * PRM-Avg towards one step). With no step scored, 0: the path ranks below scored ones.
 */
export function fullScores(pathScores: number[], stepCount: number, upstream: string): number[] {
  let full = pathScores;
  if (pathScores.length < stepCount) {
    let sum = 0;
    for (const score of pathScores) sum += score;
    const unknown = pathScores.length === 0 ? 0 : sum / pathScores.length;
    full = [...Array<number>(stepCount - pathScores.length).fill(unknown), ...pathScores];
  }
  if (full.length !== stepCount) {
    throw new InvalidUpstreamResponseError(
      upstream,
      `PRM returned ${pathScores.length} step scores for ${stepCount} steps`,
    );
  }
  return full;
}

/**
 * The tokenization of one `score`'s inputs: each is tokenized upstream at most once, only where
 * its ids must be known. A class, not closures made per call: it runs on every PRM call, and
 * per-call closures lost their optimised code whenever a GC found none alive. Inputs sent as
 * text whose ids nothing needs (the usual pooling case) never tokenize.
 */
export class CallTokens {
  /** Paths (by index in `paths`) whose input was cut to fit. */
  readonly truncated = new Set<number>();
  private readonly tokenized: (PreparedPrmTokens | undefined)[] = [];

  constructor(
    private readonly context: TokenizingContext,
    /** What the inputs were rendered from: inputs[k] is `render(question, paths[pending[k]])`. */
    private readonly question: string,
    private readonly paths: readonly (readonly string[])[],
    private readonly inputs: readonly PrmInput[],
    private readonly pending: readonly number[],
    /** Position readouts whose ids the scoring call cannot return: tokenized before sending. */
    private readonly needsIdsFirst: boolean,
    private readonly signal: AbortSignal | undefined,
    private readonly count: CallCount,
  ) {}

  /**
   * What to send as ids (null = as text): placeholder swaps, position readouts whose ids the
   * scoring call cannot return, and with `checkLength` texts that may not fit (no real tokenizer
   * makes fewer than one character per token) and then do not. vLLM takes a list of texts or a
   * list of id lists, never a mix (`prompt` / `input`: `list[str] | list[list[int]]`), so once
   * one input goes as ids, all do.
   */
  async prepare(checkLength: boolean): Promise<(PreparedPrmTokens | null)[]> {
    const toTokenize: number[] = [];
    for (let k = 0; k < this.inputs.length; k++) {
      const input = this.inputs[k] as PrmInput;
      if (!this.isPlainText(input) || (checkLength && this.mightOverflow(input)))
        toTokenize.push(k);
    }
    if (toTokenize.length > 0) await this.tokenizeInputs(toTokenize, true);
    // A text that fits and needs nothing done to its ids is sent as text (readable in logs).
    const chosen: (PreparedPrmTokens | null)[] = [];
    let asIds = 0;
    for (let k = 0; k < this.inputs.length; k++) {
      const tokens = this.tokenized[k];
      const sendsIds =
        tokens !== undefined &&
        !(this.isPlainText(this.inputs[k] as PrmInput) && tokens.droppedTokens === 0);
      chosen.push(sendsIds ? tokens : null);
      if (sendsIds) asIds += 1;
    }
    if (asIds === 0 || asIds === chosen.length) return chosen;
    await this.tokenizeInputs(this.allInputs(), true);
    const all: (PreparedPrmTokens | null)[] = [];
    for (let k = 0; k < this.inputs.length; k++) all.push(this.tokenized[k] ?? null);
    return all;
  }

  /**
   * After a call that sent texts: their positions come from the ids the server tokenized them
   * to, from the answer itself or, from a server that did not return them, `/tokenize` now.
   */
  async afterCall(
    prepared: readonly (PreparedPrmTokens | null)[],
    promptIds: readonly (readonly number[] | null)[] | null,
  ): Promise<(PreparedPrmTokens | null)[]> {
    const missing: number[] = [];
    for (let k = 0; k < this.inputs.length; k++)
      if (prepared[k] === null && (promptIds?.[k] ?? null) === null) missing.push(k);
    if (missing.length > 0) await this.tokenizeInputs(missing, false);
    const { family, upstream } = this.context;
    const after: (PreparedPrmTokens | null)[] = [];
    for (let k = 0; k < this.inputs.length; k++) {
      const tokens = prepared[k] ?? null;
      if (tokens !== null) {
        after.push(tokens);
        continue;
      }
      // Tokenized here or for a length check, fitted and sent whole: the same ids.
      const known = this.tokenized[k];
      if (known !== undefined) {
        after.push(known);
        continue;
      }
      const ids = promptIds?.[k] ?? [];
      // The server took the whole text: nothing to cut.
      after.push(
        preparePrmTokens(family, this.inputs[k] as PrmInput, ids, {
          maxTokens: ids.length,
          upstream,
        }),
      );
    }
    return after;
  }

  private isPlainText(input: PrmInput): boolean {
    return !this.needsIdsFirst && input.tokenSwaps.length === 0;
  }

  private mightOverflow(input: PrmInput): boolean {
    return input.text.length / MIN_CHARS_PER_TOKEN > this.context.maxInputTokens;
  }

  private allInputs(): number[] {
    const all: number[] = [];
    for (let k = 0; k < this.inputs.length; k++) all.push(k);
    return all;
  }

  /**
   * Tokenize the inputs `ks` not tokenized yet, all in as few calls as the server allows; with
   * `cut` their ids are fitted to `maxInputTokens` (to send), else kept whole (a text the
   * server already took whole).
   */
  private async tokenizeInputs(ks: readonly number[], cut: boolean): Promise<void> {
    const { family, batchTokenizer, maxInputTokens, upstream } = this.context;
    const count = this.count;
    const countCall = (): void => {
      count.calls += 1;
    };
    for (const addSpecial of [false, true]) {
      const group: number[] = [];
      for (const k of ks)
        if (
          this.tokenized[k] === undefined &&
          (this.inputs[k] as PrmInput).addSpecialTokens === addSpecial
        )
          group.push(k);
      if (group.length === 0) continue;
      const texts: string[] = [];
      for (const k of group) texts.push((this.inputs[k] as PrmInput).text);
      const result = await batchTokenizer.tokenizeAll(texts, addSpecial, this.signal, countCall);
      const fitting: Promise<void>[] = [];
      for (let j = 0; j < group.length; j++) {
        const k = group[j] as number;
        const ids = result.ids[j] ?? [];
        if (cut && ids.length > maxInputTokens) {
          // The paths too long are fitted side by side (each its own renders and /tokenize).
          fitting.push(this.fitToContext(k, ids, countCall).then((tokens) => this.keep(k, tokens)));
          continue;
        }
        this.keep(
          k,
          preparePrmTokens(family, this.inputs[k] as PrmInput, ids, {
            maxTokens: ids.length,
            upstream,
          }),
        );
      }
      await Promise.all(fitting);
    }
  }

  private keep(k: number, tokens: PreparedPrmTokens): void {
    if (tokens.droppedTokens > 0) this.truncated.add(this.pending[k] as number);
    this.tokenized[k] = tokens;
  }

  /**
   * Input `k` made to fit the PRM's context inside the family's own format: a question over half
   * the context loses its start (down to half at most), then the earliest steps are dropped
   * whole, then (one step left) the question loses more of its start, each time rendered anew
   * and tokenized (one counted call each). No reference scores a cut input, and a raw left
   * cut of the ids sent a Qwen input opening inside its assistant header, without its system
   * turn and question (review 25, F1). Only when even that does not fit (one step longer than
   * the context) are the ids cut from the left (`preparePrmTokens`).
   */
  private async fitToContext(
    k: number,
    fullIds: readonly number[],
    countCall: () => void,
  ): Promise<PreparedPrmTokens> {
    const { family, batchTokenizer, maxInputTokens, upstream } = this.context;
    const steps = this.paths[this.pending[k] as number] ?? [];
    let input = this.inputs[k] as PrmInput;
    let ids = fullIds;
    let first = 0;
    let question = this.question;
    for (let renders = 0; renders < MAX_FIT_RENDERS && ids.length > maxInputTokens; renders++) {
      const excess = ids.length - maxInputTokens;
      const remaining = steps.length - first;
      const perToken = input.text.length / Math.max(1, ids.length);
      // A question over half the context loses its start first (what the excess needs, at most
      // down to half): dropping steps would lose their scores to make room for a preamble.
      const questionCap = Math.floor((maxInputTokens / 2) * perToken);
      // Characters of question that likely hold `tokens` tokens, and a tenth more.
      const charsFor = (tokens: number): number => Math.ceil(tokens * perToken * 1.1) + 1;
      if (question.length > questionCap) {
        question = cutStart(question, Math.min(question.length - questionCap, charsFor(excess)));
      } else {
        // Tokens that dropping steps takes for sure (a lower bound).
        let removed = 0;
        if (family.stepMarker !== null && remaining > 1) {
          // Dropping the first j steps takes at least the tokens from the first step's marker
          // to the j-th's: the fewest steps whose drop may suffice, re-checked by tokenizing.
          const positions = family.locateScorePositions(ids);
          const start = positions[0] ?? 0;
          const takes = (j: number): number => (positions[j - 1] ?? start) - start + 1;
          let j = 1;
          while (j < remaining - 1 && takes(j) < excess) j++;
          first += j;
          removed = takes(j);
        }
        // Down to one step and still too long: the question loses the rest of the excess in the
        // same render.
        const isLastStep = family.stepMarker === null || steps.length - first <= 1;
        if (isLastStep && removed < excess && question.length > 0)
          question = cutStart(question, charsFor(excess - removed));
        else if (removed === 0) break;
      }
      input = family.render(question, steps.slice(first));
      const tokenized = await batchTokenizer.tokenizeAll(
        [input.text],
        input.addSpecialTokens,
        this.signal,
        countCall,
      );
      ids = tokenized.ids[0] ?? [];
    }
    const fitted = preparePrmTokens(family, input, ids, { maxTokens: maxInputTokens, upstream });
    return {
      ...fitted,
      droppedTokens: fullIds.length - fitted.ids.length,
      droppedSteps: first + fitted.droppedSteps,
    };
  }
}

/**
 * `text` without its first `count` characters, starting at the next word (up to 32 characters
 * further) and never between the halves of a surrogate pair.
 */
function cutStart(text: string, count: number): string {
  let at = Math.min(text.length, Math.max(0, count));
  const space = text.slice(at, at + 32).search(/\s/);
  if (space >= 0) at += space + 1;
  else if (/[\uDC00-\uDFFF]/.test(text.charAt(at))) at += 1;
  return text.slice(at);
}
