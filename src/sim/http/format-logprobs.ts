import type { SimEngine } from '../engine/sim-engine';
import { hashParts } from '../hash-text';
import type { GeneratedChoice } from './generate-choices';
import { tokenDistribution, type RankedToken } from './token-logprobs';

interface PromptLogprobEntry {
  logprob: number;
  rank: number;
  decoded_token: string;
}

/**
 * vLLM `prompt_logprobs`: null for the first token, then `{token_id: {logprob, rank, decoded_token}}`
 * holding the top k and the prompt's own token (k entries when it is among them, else k + 1), its
 * rank counted over the whole distribution; the logprobs do not depend on k (vllm-project/vllm
 * `vllm/v1/sample/sampler.py` `gather_logprobs` @3e342658, `vllm/v1/engine/logprobs.py`
 * `_make_logprob_dict` @dfafe710).
 */
export function promptLogprobs(
  engine: SimEngine,
  ids: readonly number[],
  k: number,
): (Record<string, PromptLogprobEntry> | null)[] {
  const tokenizer = engine.tokenizer;
  const texts = ids.map((id) => tokenizer.tokenText(id));
  const ends: number[] = [];
  texts.reduce((offset, text) => {
    ends.push(offset + text.length);
    return offset + text.length;
  }, 0);
  const labels = engine.promptLabels
    ? engine.promptLabels(texts.join(''), ends)
    : new Map<number, number>();
  const promptKey = hashParts('prompt', ...ids.slice(0, 64), ids.length);
  return ids.map((id, position) => {
    if (position === 0) return null;
    const probability = labels.get(position);
    const label =
      probability === undefined
        ? null
        : {
            plusId: tokenizer.encode('+')[0] ?? 0,
            minusId: tokenizer.encode('-')[0] ?? 0,
            plusProbability: probability,
          };
    const distribution = tokenDistribution(tokenizer, id, k, hashParts(promptKey, position), label);
    const entries: Record<string, PromptLogprobEntry> = {};
    for (const token of [...distribution.top, distribution.actual]) {
      entries[String(token.id)] = {
        logprob: token.logprob,
        rank: token.rank,
        decoded_token: tokenizer.tokenText(token.id),
      };
    }
    return entries;
  });
}

function distributionsOf(
  engine: SimEngine,
  choice: GeneratedChoice,
  k: number,
  from: number,
  to: number,
) {
  return choice.outputTokens.slice(from, to).map((token, offset) => {
    const position = from + offset;
    return {
      token,
      distribution: tokenDistribution(
        engine.tokenizer,
        token.id,
        k,
        hashParts(choice.key, position),
        position === 0 ? choice.label : null,
      ),
    };
  });
}

export interface CompletionLogprobs {
  text_offset: number[];
  token_logprobs: (number | null)[];
  tokens: string[];
  top_logprobs: (Record<string, number> | null)[];
}

/** The completions API's logprobs object for output tokens [from, to). */
export function completionLogprobs(
  engine: SimEngine,
  choice: GeneratedChoice,
  k: number,
  options: { from: number; to: number; textOffset: number; asTokenIds: boolean },
): CompletionLogprobs {
  const name = (id: number): string =>
    options.asTokenIds ? `token_id:${id}` : engine.tokenizer.tokenText(id);
  const result: CompletionLogprobs = {
    text_offset: [],
    token_logprobs: [],
    tokens: [],
    top_logprobs: [],
  };
  for (const { token, distribution } of distributionsOf(
    engine,
    choice,
    k,
    options.from,
    options.to,
  )) {
    result.text_offset.push(options.textOffset + token.start);
    result.token_logprobs.push(distribution.actual.logprob);
    result.tokens.push(name(token.id));
    const top: Record<string, number> = {};
    for (const entry of [...distribution.top, distribution.actual])
      top[name(entry.id)] = entry.logprob;
    result.top_logprobs.push(top);
  }
  return result;
}

interface ChatTokenLogprob {
  token: string;
  logprob: number;
  bytes: number[];
}

const encoder = new TextEncoder();

function chatEntry(engine: SimEngine, entry: RankedToken): ChatTokenLogprob {
  const token = engine.tokenizer.tokenText(entry.id);
  return { token, logprob: entry.logprob, bytes: Array.from(encoder.encode(token)) };
}

/** The chat API's logprobs object for output tokens [from, to). */
export function chatLogprobs(
  engine: SimEngine,
  choice: GeneratedChoice,
  k: number,
  from: number,
  to: number,
): { content: (ChatTokenLogprob & { top_logprobs: ChatTokenLogprob[] })[] } {
  return {
    content: distributionsOf(engine, choice, k, from, to).map(({ distribution }) => ({
      ...chatEntry(engine, distribution.actual),
      top_logprobs: distribution.top.map((entry) => chatEntry(engine, entry)),
    })),
  };
}
