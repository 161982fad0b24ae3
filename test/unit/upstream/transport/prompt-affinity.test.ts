import { createPromptAffinity } from '../../../../src/upstream';

const SYSTEM =
  '<|im_start|>system\nPlease reason step by step, and put your final answer within \\boxed{}.<|im_end|>\n'.repeat(
    4,
  );
const rendered = (question: string): string =>
  `${SYSTEM}<|im_start|>user\n${question}<|im_end|>\n<|im_start|>assistant\n`;

describe('createPromptAffinity', () => {
  it('gives a prompt that extends an earlier one (the next round) the earlier key', () => {
    const affinity = createPromptAffinity({ maxAnchors: 100 });
    const first = affinity.keyOf({ prompt: rendered('What is 2 + 2?') });
    const next = affinity.keyOf({
      prompt: [
        `${rendered('What is 2 + 2?')}Step 1: add.\n\n`,
        `${rendered('What is 2 + 2?')}Step 1: count.\n\n`,
      ],
    });
    const later = affinity.keyOf({
      prompt: `${rendered('What is 2 + 2?')}Step 1: add.\n\nStep 2: 4.\n\n`,
    });
    expect(first).not.toBeNull();
    expect(next).toBe(first);
    expect(later).toBe(first);
  });

  it('keeps questions apart that share a system prompt, even short ones', () => {
    const affinity = createPromptAffinity({ maxAnchors: 100 });
    const keys = ['1+1?', '2+2?', 'What is 3 + 3?'].map((question) =>
      affinity.keyOf({ prompt: rendered(question) }),
    );
    expect(new Set(keys).size).toBe(3);
  });

  it('bridges messages, token ids and text through tokenize and detokenize answers', () => {
    const affinity = createPromptAffinity({ maxAnchors: 100 });
    const messages = [{ role: 'user', content: 'What is 6 * 7?' }];
    const ids = Array.from({ length: 40 }, (_, i) => 1000 + i);
    const key = affinity.keyOf({ messages, add_generation_prompt: true });
    expect(key).not.toBeNull();
    affinity.learn('/tokenize', key as number, { tokens: ids, count: ids.length });
    expect(affinity.keyOf({ prompt: ids })).toBe(key);
    const detokenizeKey = affinity.keyOf({ tokens: ids });
    expect(detokenizeKey).toBe(key);
    affinity.learn('/detokenize', detokenizeKey as number, { prompt: rendered('What is 6 * 7?') });
    expect(affinity.keyOf({ prompt: `${rendered('What is 6 * 7?')}Step 1: multiply.\n\n` })).toBe(
      key,
    );
  });

  it('learns only from tokenizer and template routes', () => {
    const affinity = createPromptAffinity({ maxAnchors: 100 });
    affinity.learn('/v1/completions', 42, { prompt: rendered('Q') });
    expect(affinity.keyOf({ prompt: rendered('Q') })).not.toBe(42);
  });

  it('ignores the assistant turn being continued in chat requests', () => {
    const affinity = createPromptAffinity({ maxAnchors: 100 });
    const conversation = [{ role: 'user', content: 'What is 6 * 7?' }];
    const key = affinity.keyOf({ messages: conversation });
    expect(
      affinity.keyOf({ messages: [...conversation, { role: 'assistant', content: 'Step 1:' }] }),
    ).toBe(key);
    expect(affinity.keyOf({ messages: [{ role: 'user', content: 'What is 6 * 8?' }] })).not.toBe(
      key,
    );
  });

  it('has no key for bodies without a prompt or with too little of one', () => {
    const affinity = createPromptAffinity({ maxAnchors: 100 });
    expect(affinity.keyOf(null)).toBeNull();
    expect(affinity.keyOf({ model: 'm' })).toBeNull();
    expect(affinity.keyOf({ prompt: 'short' })).toBeNull();
  });
});
