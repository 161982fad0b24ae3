import type { z } from 'zod';
import { createSeededRandom } from '../../../../src/util';
import {
  completionResponseSchema,
  detokenizeResponseSchema,
  poolingResponseSchema,
  tokenizeResponseSchema,
} from '../../../../src/upstream/vllm/vllm-wire';
import {
  isCompletionResponse,
  isDetokenizeResponse,
  isPoolingResponse,
  isTokenizeResponse,
} from '../../../../src/upstream/vllm/vllm-wire-guards';

/** Bodies as vLLM sends them (the fields we read, plus some we do not). */
const VALID = {
  completion: {
    id: 'cmpl-1',
    object: 'text_completion',
    choices: [
      { index: 0, text: 'Step 1\n\n', finish_reason: 'stop', stop_reason: '\n\n', logprobs: null },
      { index: 1, text: '', finish_reason: 'length', stop_reason: null },
      { index: 2, text: 'x', finish_reason: 'stop', stop_reason: 151645 },
      {
        index: 3,
        text: '',
        finish_reason: 'length',
        prompt_token_ids: [1, 12, 7],
        prompt_logprobs: [
          null,
          { '12': { logprob: -0.5, rank: 1, decoded_token: 'a' } },
          { '7': { logprob: -1 }, '9': { logprob: -2, decoded_token: null } },
        ],
      },
    ],
    usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
  },
  tokenize: { count: 3, max_model_len: 4096, tokens: [1, 2, 3], token_strs: null },
  detokenize: { prompt: 'hello' },
  pooling: {
    data: [
      { index: 0, object: 'pooling', data: [[0.1, 0.9]] },
      { index: 1, data: null },
    ],
    usage: { prompt_tokens: 7 },
  },
};

const CASES: [keyof typeof VALID, z.ZodType, (body: unknown) => boolean][] = [
  ['completion', completionResponseSchema, isCompletionResponse],
  ['tokenize', tokenizeResponseSchema, isTokenizeResponse],
  ['detokenize', detokenizeResponseSchema, isDetokenizeResponse],
  ['pooling', poolingResponseSchema, isPoolingResponse],
];

const ODD_VALUES: unknown[] = [
  null,
  undefined,
  0,
  -0,
  -1,
  1.5,
  2 ** 60,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  '',
  '3',
  true,
  [],
  [1],
  {},
  { logprob: 1 },
];

/** A copy of `value` with one field somewhere replaced, deleted or added. */
function mutate(value: unknown, random: () => number): unknown {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  if (Array.isArray(value)) {
    const copy: unknown[] = [...(value as unknown[])];
    if (copy.length === 0 || random() < 0.2) copy.push(pick(ODD_VALUES));
    else {
      const at = Math.floor(random() * copy.length);
      copy[at] = random() < 0.5 ? mutate(copy[at], random) : pick(ODD_VALUES);
    }
    return copy;
  }
  if (typeof value === 'object' && value !== null) {
    const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
    const keys = Object.keys(copy);
    const key = keys.length === 0 || random() < 0.1 ? 'extra' : pick(keys);
    const roll = random();
    if (roll < 0.15) delete copy[key];
    else if (roll < 0.5) copy[key] = pick(ODD_VALUES);
    else copy[key] = mutate(copy[key], random);
    return copy;
  }
  return pick(ODD_VALUES);
}

describe('vLLM wire guards', () => {
  it.each(CASES)('accept a well-formed %s body', (name, schema, isValid) => {
    expect(schema.safeParse(VALID[name]).success).toBe(true);
    expect(isValid(VALID[name])).toBe(true);
  });

  it.each(CASES)(
    'accept no %s body its schema rejects (seeded mutations)',
    (name, schema, isValid) => {
      const random = createSeededRandom(18);
      let rejected = 0;
      const wronglyAccepted: unknown[] = [];
      for (let i = 0; i < 3000; i += 1) {
        let body: unknown = VALID[name];
        const depth = 1 + Math.floor(random() * 3);
        for (let d = 0; d < depth; d += 1) body = mutate(body, random);
        const isSchemaValid = schema.safeParse(body).success;
        if (!isSchemaValid) rejected += 1;
        if (isValid(body) && !isSchemaValid) wronglyAccepted.push(body);
      }
      expect(wronglyAccepted).toEqual([]);
      // The mutations must actually produce bodies the schema rejects, or the test proves nothing.
      expect(rejected).toBeGreaterThan(300);
    },
  );
});
