/**
 * The tokenizer cuts pieces by offsets on UTF-16 code units and remembers long stretches of
 * prompts; both are speed-ups only. A reference written the plain way (code points from
 * `Array.from`, one string per piece, nothing remembered) must cut every text into the same
 * pieces, and the remembered pieces must be the ones a fresh tokenizer computes.
 */
import fc from 'fast-check';
import { createSimTokenizer } from '../../../src/sim/tokenizer/sim-tokenizer';
import { getVocabulary, type VocabularyKind } from '../../../src/sim/tokenizer/vocabularies';

const KINDS: VocabularyKind[] = ['qwen', 'qwen-prm', 'deepseek-qwen', 'llama-3', 'mistral'];

type Kind = 'newline' | 'space' | 'letter' | 'digit' | 'punct' | 'other';

function kindOf(char: string | undefined): Kind {
  if (char === undefined) return 'other';
  const code = char.codePointAt(0) ?? 0;
  if (char === '\n' || char === '\r') return 'newline';
  if (char === ' ' || char === '\t') return 'space';
  if ((code >= 65 && code <= 90) || (code >= 97 && code <= 122)) return 'letter';
  if (code >= 48 && code <= 57) return 'digit';
  if (code >= 33 && code <= 126) return 'punct';
  return 'other';
}

function chunks(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

/** The pre-tokenizer's rules, written the plain way over code points. */
function referencePieces(text: string, isByteLevel: boolean): string[] {
  const chars = Array.from(text);
  const out: string[] = [];
  let i = 0;
  while (i < chars.length) {
    const kind = kindOf(chars[i]);
    let j = i + 1;
    const run = (from: number, of: Kind): number => {
      let end = from;
      while (end < chars.length && kindOf(chars[end]) === of) end++;
      return end;
    };
    if (kind === 'newline') {
      j = run(j, 'newline');
      out.push(...chunks(chars.slice(i, j).join(''), isByteLevel ? 2 : 1));
    } else if (kind === 'space') {
      j = run(j, 'space');
      const next = kindOf(chars[j]);
      const attaches =
        chars[j - 1] === ' ' && (next === 'letter' || next === 'punct' || next === 'digit');
      const end = attaches ? j - 1 : j;
      if (end > i) out.push(...chunks(chars.slice(i, end).join(''), 4));
      if (attaches && next === 'digit') {
        out.push(` ${chars[j] ?? ''}`);
        j += 1;
      } else if (attaches) {
        const k = run(j + 1, next);
        out.push(...chunks(chars.slice(j - 1, k).join(''), next === 'letter' ? 7 : 3));
        j = k;
      }
    } else if (kind === 'letter' || kind === 'punct') {
      j = run(j, kind);
      out.push(...chunks(chars.slice(i, j).join(''), kind === 'letter' ? 7 : 3));
    } else {
      out.push(chars[i] ?? '');
    }
    i = j;
  }
  return out;
}

function referenceWithSpecials(text: string, kind: VocabularyKind): string[] {
  const vocabulary = getVocabulary(kind);
  const specials = [...vocabulary.specials.keys()].sort((a, b) => b.length - a.length);
  // A role name alone between control tokens is one piece (a template header).
  const referencePlain = (segment: string): string[] =>
    vocabulary.roleNames.has(segment)
      ? [segment]
      : referencePieces(segment, vocabulary.isByteLevel);
  const out: string[] = [];
  let plainStart = 0;
  let i = 0;
  while (i < text.length) {
    const special = specials.find((candidate) => text.startsWith(candidate, i));
    if (special === undefined) {
      i++;
      continue;
    }
    out.push(...referencePlain(text.slice(plainStart, i)), special);
    i += special.length;
    plainStart = i;
  }
  out.push(...referencePlain(text.slice(plainStart)));
  return out;
}

const fragments = fc.constantFrom(
  ' ',
  '  ',
  '\t',
  '\n',
  '\n\n\n',
  '\r\n',
  'word',
  'Background',
  ' 4',
  '42',
  '$',
  '\\frac{1}{2}',
  '!!!?',
  'ü',
  '日本',
  '😀',
  '\uD800',
  '\uDC00x',
  '<|im_start|>',
  '<|im_end|>',
  '<extra_0>',
  'ки',
  '<s>',
  '<|eot_id|>',
  '<think>',
  'user',
  'assistant',
  '<|start_header_id|>',
  '<|end_header_id|>',
);
const texts = fc.oneof(
  fc.array(fragments, { maxLength: 40 }).map((parts) => parts.join('')),
  fc.string({ unit: 'binary', maxLength: 120 }),
);

describe('the tokenizer against the plain-way reference', () => {
  it.each(KINDS)('cuts every text into the reference pieces (%s)', (kind) => {
    const tokenizer = createSimTokenizer(kind);
    fc.assert(
      fc.property(texts, (text) => {
        const pieces = referenceWithSpecials(text, kind);
        const { ids, ends } = tokenizer.encodeWithOffsets(text);
        expect(ids.map((id) => tokenizer.tokenText(id))).toEqual(pieces);
        let offset = 0;
        expect(ends).toEqual(pieces.map((piece) => (offset += piece.length)));
      }),
      { numRuns: 400, seed: 18 },
    );
  });

  it('remembers long stretches of prompts without changing their ids', () => {
    const question = `A ledger. ${'The ledger lists each change in order, with the date. '.repeat(30)}`;
    const prompt = (steps: string): string =>
      `<|im_start|>user\n${question}<|im_end|>\n<|im_start|>assistant\n${steps}`;
    const remembering = createSimTokenizer('qwen-prm');
    const texts = ['', 'Step 1 adds 4.<extra_0>', `${'Then 12 more. '.repeat(30)}<extra_0>`];
    for (const steps of texts) {
      const first = remembering.encode(prompt(steps));
      // The second time the long stretches come from memory; a fresh tokenizer computes them.
      expect(remembering.encode(prompt(steps))).toEqual(first);
      expect(createSimTokenizer('qwen-prm').encode(prompt(steps))).toEqual(first);
      expect(remembering.encodeWithOffsets(prompt(steps))).toEqual(
        createSimTokenizer('qwen-prm').encodeWithOffsets(prompt(steps)),
      );
    }
  });
});
