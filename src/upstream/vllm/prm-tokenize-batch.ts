/**
 * Tokenize a batch of PRM inputs upstream in as few `/tokenize` calls as the server allows. vLLM's
 * `/tokenize` takes one `prompt` string (`TokenizeCompletionRequest.prompt: str` in every release
 * from 0.5 to main @343bacaf, `vllm/entrypoints/serve/tokenize/protocol.py`), so a list cannot be
 * sent; instead the texts are joined end to end and the ids split again. That gives each text's
 * own ids when every text starts with an added token (`PrmFamily.pathStartToken`): the tokenizer
 * splits its input at added tokens before anything else, so nothing merges across the seams, and
 * the split points are the occurrences of that id (docs/upstream-apis.md#pooling-and-prm-readouts).
 *
 * Up to vLLM 0.10 `/tokenize` skips the context-length check (`serving_engine.py`
 * `_validate_input`: "TokenizeRequest and DetokenizeRequest ... does not require model context
 * length validation"); some later main builds capped it at `max_model_len` (`build_tok_params`
 * @343bacaf) before main dropped the cap again (@030ea52e). A joined call the server refuses as a
 * bad request is split in halves and retried; every call is counted.
 */
import { UpstreamError } from '../../errors';

export interface BatchTokenizeOptions {
  /** One upstream `/tokenize` of one text. */
  tokenize: (text: string, addSpecialTokens: boolean, signal?: AbortSignal) => Promise<number[]>;
  /** The id every text starts with (see above); absent = one call per text. */
  pathStartId?: number;
}

export interface BatchTokenizeResult {
  /** Ids per text, in order. */
  ids: number[][];
  /** Upstream calls made. */
  calls: number;
}

export interface BatchTokenizer {
  /** `onCall` is told of each upstream call as it is made (counted even when it then fails). */
  tokenizeAll(
    texts: readonly string[],
    addSpecialTokens: boolean,
    signal?: AbortSignal,
    onCall?: () => void,
  ): Promise<BatchTokenizeResult>;
  /** False once a joined answer did not split into its texts (then every text goes alone). */
  joins(): boolean;
}

/** A refusal that a smaller request may avoid (too long), as opposed to a failing server. */
function isRequestRefusal(error: unknown): boolean {
  return (
    error instanceof UpstreamError &&
    (error.status === 400 || error.status === 413 || error.status === 422)
  );
}

/** The ids cut before each `startId`, or null unless that yields exactly `count` pieces. */
function splitAtStarts(ids: readonly number[], startId: number, count: number): number[][] | null {
  if (ids[0] !== startId) return null;
  const pieces: number[][] = [];
  for (const id of ids) {
    if (id === startId) pieces.push([]);
    (pieces[pieces.length - 1] as number[]).push(id);
  }
  return pieces.length === count ? pieces : null;
}

export function createBatchTokenizer(options: BatchTokenizeOptions): BatchTokenizer {
  const { tokenize, pathStartId } = options;
  let joinsTexts = pathStartId !== undefined;

  return {
    joins: () => joinsTexts,
    async tokenizeAll(texts, addSpecialTokens, signal, onCall) {
      let calls = 0;
      const alone = (group: readonly string[]): Promise<number[][]> =>
        Promise.all(
          group.map((text) => {
            calls += 1;
            onCall?.();
            return tokenize(text, addSpecialTokens, signal);
          }),
        );
      // A tokenizer that adds its own BOS would add it once per call, not once per text.
      const canJoin = (): boolean =>
        joinsTexts && pathStartId !== undefined && !addSpecialTokens && texts.length > 1;
      const joined = async (group: readonly string[]): Promise<number[][]> => {
        if (group.length === 1 || !canJoin() || pathStartId === undefined) return alone(group);
        let ids: number[];
        try {
          calls += 1;
          onCall?.();
          ids = await tokenize(group.join(''), addSpecialTokens, signal);
        } catch (error) {
          if (!isRequestRefusal(error)) throw error;
          const half = Math.ceil(group.length / 2);
          const [head, tail] = await Promise.all([
            joined(group.slice(0, half)),
            joined(group.slice(half)),
          ]);
          return [...head, ...tail];
        }
        const pieces = splitAtStarts(ids, pathStartId, group.length);
        if (pieces !== null) return pieces;
        // The server's tokenizer does not keep the texts apart: never join again.
        joinsTexts = false;
        return alone(group);
      };
      const ids = texts.length === 0 ? [] : await joined(texts);
      return { ids, calls };
    },
  };
}
