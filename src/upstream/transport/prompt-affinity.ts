/**
 * Which search a request belongs to, for prefix-cache affinity in a replica pool. vLLM's prefix
 * cache is per replica, and every round of one search re-sends the same rendered chat prompt, so
 * the pool routes by a key that stays the same across a search's calls and differs between
 * searches:
 *
 * - A request's head is the longest common prefix of its prompts (`prompt`, `input`, ... or the
 *   list of them): the search's shared prefix, without the diverging beams.
 * - A head that extends a head seen before (an anchor) inherits that anchor's key, so round k+1
 *   (prompt + one more step) keeps round k's key; a new head gets its own key (its hash) and
 *   becomes an anchor. Only whole anchors count: two questions under the same system prompt do
 *   not share a key.
 * - A chat request's key is its conversation without the assistant turn being continued.
 * - Tokenize, detokenize and template answers bridge representations: the ids of `/tokenize`
 *   and the text of `/detokenize` become anchors of the request's key. That is how the vLLM step
 *   API's calls (tokenize messages → completions on ids → detokenize → completions on text)
 *   share one key without knowing any chat template.
 *
 * Anchors are found by hashing the head at fixed strides (a checkpoint every 64 characters or 16
 * token ids) and keeping each anchor under its last checkpoint with its full-length hash, so a
 * lookup is one pass over the head and an anchor matches only as a whole. A hash collision can
 * only misroute a call (to a live replica), never change an answer.
 */
import { LRUCache } from 'lru-cache';

export interface PromptAffinity {
  /** The key of a request body (null: it carries no prompt; balance by load only). */
  keyOf(body: unknown): number | null;
  /** Learn from a successful answer: tokenizer output continues the request's key. */
  learn(path: string, key: number, response: unknown): void;
}

export interface PromptAffinityOptions {
  /** Anchors remembered (least recently used go first). */
  maxAnchors: number;
}

type Head =
  | { kind: 'text'; text: string }
  | { kind: 'ids'; ids: readonly number[] }
  | { kind: 'chat'; conversation: string };

const TEXT_STRIDE = 64;
const IDS_STRIDE = 16;
// Fields that carry prompts, in the spellings of the stacks we speak (vLLM, SGLang, TGI, llama.cpp, FastChat).
const PROMPT_FIELDS = [
  'prompt',
  'input',
  'text',
  'inputs',
  'content',
  'input_str',
  'tokens',
] as const;
const TEXT_SEED = 0x811c9dc5;
const IDS_SEED = 0x9747b28c;
const CHAT_SEED = 0x5bd1e995;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isIds(value: unknown): value is number[] {
  return (
    Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === 'number')
  );
}

function commonTextPrefix(texts: readonly string[]): string {
  let first = texts[0] ?? '';
  for (const text of texts) {
    let i = 0;
    while (i < first.length && i < text.length && first.charCodeAt(i) === text.charCodeAt(i)) i++;
    first = first.slice(0, i);
  }
  return first;
}

function commonIdsPrefix(lists: readonly (readonly number[])[]): readonly number[] {
  let length = lists[0]?.length ?? 0;
  const first = lists[0] ?? [];
  for (const list of lists) {
    let i = 0;
    while (i < length && i < list.length && first[i] === list[i]) i++;
    length = i;
  }
  return first.slice(0, length);
}

function headOfPrompt(value: unknown): Head | null {
  if (typeof value === 'string') return value.length > 0 ? { kind: 'text', text: value } : null;
  if (!Array.isArray(value) || value.length === 0) return null;
  if (isIds(value)) return { kind: 'ids', ids: value };
  if (value.every((item): item is string => typeof item === 'string'))
    return { kind: 'text', text: commonTextPrefix(value) };
  if (value.every(isIds)) return { kind: 'ids', ids: commonIdsPrefix(value) };
  return headOfPrompt(value[0]);
}

/** The conversation a chat request continues (a trailing assistant turn is the part that grows). */
function conversationOf(messages: readonly unknown[]): string {
  let end = messages.length;
  while (end > 0) {
    const last = messages[end - 1];
    if (!isRecord(last) || last.role !== 'assistant') break;
    end--;
  }
  return JSON.stringify(
    messages
      .slice(0, end)
      .map((message) => (isRecord(message) ? [message.role, message.content] : message)),
  );
}

function headOf(body: unknown): Head | null {
  if (!isRecord(body)) return null;
  if (Array.isArray(body.messages) && body.messages.length > 0)
    return { kind: 'chat', conversation: conversationOf(body.messages) };
  for (const field of PROMPT_FIELDS) {
    if (body[field] !== undefined) return headOfPrompt(body[field]);
  }
  return null;
}

/** One step of two 32-bit FNV-1a-style lanes (exact integer math, so keys are stable). */
function step(state: [number, number], unit: number): void {
  state[0] = Math.imul(state[0] ^ unit, 0x01000193);
  const b = Math.imul(state[1] ^ unit, 0x5bd1e995);
  state[1] = b ^ (b >>> 15);
}

/** The two lanes as one 53-bit number (a safe integer). */
function combine(state: readonly [number, number]): number {
  return (state[0] >>> 0) * 0x200000 + ((state[1] >>> 0) & 0x1fffff);
}

function hashText(text: string, seed: number): number {
  const state: [number, number] = [seed, seed ^ 0x2c1b3c6d];
  for (let i = 0; i < text.length; i++) step(state, text.charCodeAt(i));
  return combine(state);
}

/** A head seen before: found through the hash at its last checkpoint, confirmed by its full hash. */
interface Anchor {
  length: number;
  hash: number;
  key: number;
}

/** Anchors kept per checkpoint: heads that share a checkpoint but differ after it (few in practice). */
const ANCHORS_PER_CHECKPOINT = 8;

export function createPromptAffinity(options: PromptAffinityOptions): PromptAffinity {
  // Checkpoint hash → anchors whose last checkpoint it is.
  const anchors = new LRUCache<number, Anchor[]>({ max: options.maxAnchors });

  /**
   * The key of the longest anchor this head starts with (its whole text, confirmed by hash), else
   * `inherited`, else the head's own hash; then the head becomes an anchor of that key.
   */
  function resolve(head: Exclude<Head, { kind: 'chat' }>, inherited: number | null): number | null {
    const length = head.kind === 'text' ? head.text.length : head.ids.length;
    const stride = head.kind === 'text' ? TEXT_STRIDE : IDS_STRIDE;
    // Shorter than one checkpoint: too little to tell searches apart.
    if (length < stride) return inherited;
    const seed = head.kind === 'text' ? TEXT_SEED : IDS_SEED;
    const state: [number, number] = [seed, seed ^ 0x2c1b3c6d];
    // Anchors whose last checkpoint matched, waiting for their full length to be confirmed.
    let pending: Anchor[] = [];
    let found: Anchor | null = null;
    let lastCheckpoint = 0;
    for (let position = 1; position <= length; position++) {
      step(
        state,
        head.kind === 'text' ? head.text.charCodeAt(position - 1) : (head.ids[position - 1] ?? 0),
      );
      if (position % stride === 0) {
        lastCheckpoint = combine(state);
        for (const anchor of anchors.get(lastCheckpoint) ?? [])
          if (anchor.length <= length) pending.push(anchor);
      }
      if (pending.length > 0) {
        const hash = combine(state);
        for (const anchor of pending)
          if (anchor.length === position && anchor.hash === hash) found = anchor;
        pending = pending.filter((anchor) => anchor.length > position);
      }
    }
    const key = inherited ?? found?.key ?? combine(state);
    const list = (anchors.get(lastCheckpoint) ?? []).filter(
      (anchor) => anchor.length !== length || anchor.hash !== combine(state),
    );
    anchors.set(
      lastCheckpoint,
      [{ length, hash: combine(state), key }, ...list].slice(0, ANCHORS_PER_CHECKPOINT),
    );
    return key;
  }

  return {
    keyOf(body) {
      const head = headOf(body);
      if (head === null) return null;
      if (head.kind === 'chat') return hashText(head.conversation, CHAT_SEED);
      return resolve(head, null);
    },
    learn(path, key, response) {
      if (!/tokenize|template/.test(path) || !isRecord(response)) return;
      if (isIds(response.tokens)) resolve({ kind: 'ids', ids: response.tokens }, key);
      for (const field of ['prompt', 'content'] as const) {
        const text = response[field];
        if (typeof text === 'string' && text.length > 0) resolve({ kind: 'text', text }, key);
      }
    },
  };
}
