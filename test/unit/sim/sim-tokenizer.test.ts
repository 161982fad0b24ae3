import fc from 'fast-check';
import { createSimTokenizer } from '../../../src/sim/tokenizer/sim-tokenizer';
import type { VocabularyKind } from '../../../src/sim/tokenizer/vocabularies';

const KINDS: VocabularyKind[] = ['qwen', 'qwen-prm', 'deepseek-qwen', 'llama-3', 'mistral'];

describe('createSimTokenizer', () => {
  it.each(KINDS)('round-trips any unicode string (%s)', (kind) => {
    const tokenizer = createSimTokenizer(kind);
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (value) => {
        expect(tokenizer.decode(tokenizer.encode(value))).toBe(value);
      }),
      { numRuns: 300 },
    );
  });

  it('round-trips text with special tokens, emoji, CJK and Cyrillic', () => {
    const tokenizer = createSimTokenizer('qwen-prm');
    const value = '<|im_start|>user\nПривет 😀 日本 \\frac{1}{2}\r\n\t<extra_0><|im_end|>\n\n\n';
    expect(tokenizer.decode(tokenizer.encode(value))).toBe(value);
  });

  it('gives special tokens their real ids, one token each', () => {
    const qwen = createSimTokenizer('qwen-prm');
    expect(qwen.encode('<|im_start|><|im_end|><|endoftext|><extra_0><|vision_start|>')).toEqual([
      151644, 151645, 151643, 151651, 151652,
    ]);
    const llama = createSimTokenizer('llama-3');
    expect(
      llama.encode(
        '<|begin_of_text|><|start_header_id|><|end_header_id|><|eot_id|><|reserved_special_token_0|>',
      ),
    ).toEqual([128000, 128006, 128007, 128009, 128002]);
    expect(llama.encode('+')).toEqual([10]);
    expect(llama.encode('-')).toEqual([12]);
    const mistral = createSimTokenizer('mistral');
    expect(mistral.encode('ки')).toEqual([12902]);
    expect(mistral.encode('+')).toEqual([648]);
    expect(mistral.encode('-')).toEqual([387]);
  });

  it('tokenizes newlines like byte-level BPE ("\\n" = 198, "\\n\\n" = 271)', () => {
    const qwen = createSimTokenizer('qwen');
    expect(qwen.encode('\n')).toEqual([198]);
    expect(qwen.encode('\n\n')).toEqual([271]);
    expect(createSimTokenizer('mistral').encode('\n\n')).toEqual([13, 13]);
  });

  it('adds BOS only for families whose tokenizer adds one', () => {
    expect(createSimTokenizer('qwen').encode('hi', { addSpecialTokens: true })).toEqual(
      createSimTokenizer('qwen').encode('hi'),
    );
    expect(createSimTokenizer('llama-3').encode('hi', { addSpecialTokens: true })[0]).toBe(128000);
    expect(createSimTokenizer('mistral').encode('hi', { addSpecialTokens: true })[0]).toBe(1);
    expect(createSimTokenizer('deepseek-qwen').encode('hi', { addSpecialTokens: true })[0]).toBe(
      151646,
    );
  });

  it('produces realistic counts (roughly 3 to 4.5 characters per token on prose)', () => {
    const tokenizer = createSimTokenizer('qwen');
    const prose =
      'Next, we add the 12 additional marbles to the current total of 45, which gives 45 + 12 = 57. ' +
      'It is important to apply the changes in exactly the order they happen, so we keep track carefully.';
    const ratio = prose.length / tokenizer.encode(prose).length;
    expect(ratio).toBeGreaterThan(3);
    expect(ratio).toBeLessThan(4.5);
  });

  it('spells tokens like the real tokenizers in token strings', () => {
    const qwen = createSimTokenizer('qwen');
    expect(qwen.encode(' the\n').map((id) => qwen.tokenDisplay(id))).toEqual(['Ġthe', 'Ċ']);
    const mistral = createSimTokenizer('mistral');
    expect(mistral.encode(' the\n').map((id) => mistral.tokenDisplay(id))).toEqual([
      '▁the',
      '<0x0A>',
    ]);
  });

  it('rejects ids outside the vocabulary', () => {
    expect(() => createSimTokenizer('qwen').decode([5, 151_000])).toThrow(/out of vocabulary/);
  });
});
