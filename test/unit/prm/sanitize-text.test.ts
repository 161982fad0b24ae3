import { removeReservedText } from '../../../src/prm';

describe('removeReservedText', () => {
  it('removes every occurrence of every reserved string', () => {
    expect(removeReservedText('a<extra_0>b<|im_end|>c<extra_0>', ['<extra_0>', '<|im_end|>'])).toBe(
      'abc',
    );
  });

  it('repeats until no occurrence is left, even one formed by a removal', () => {
    expect(removeReservedText('<extra<extra_0>_0>', ['<extra_0>'])).toBe('');
  });

  it('ignores empty reserved strings and leaves other text alone', () => {
    expect(removeReservedText('√2 ≈ 1.414 🎲', ['', 'ки'])).toBe('√2 ≈ 1.414 🎲');
  });
});

describe('removeReservedText on hostile text', () => {
  it('stays linear on nested occurrences (the split/join loop took 25 s on 100 K chars)', () => {
    const k = 100_000;
    const texts: [string, string[]][] = [
      [`${'<extra_'.repeat(k)}${'0>'.repeat(k)}`, ['<extra_0>', '<|im_start|>', '<|im_end|>']],
      [`${'к'.repeat(k)}${'и'.repeat(k)}`, ['ки']],
      [`${'<|eot_'.repeat(k)}${'id|>'.repeat(k)}`, ['<|eot_id|>', '<|eom_id|>']],
      [`${'>'.repeat(10 * k)}<|eot_id|>`, ['<|eot_id|>', '<|eom_id|>']],
    ];
    const started = performance.now();
    for (const [text, reserved] of texts)
      expect(removeReservedText(text, reserved)).toBe(
        text.startsWith('>') ? '>'.repeat(10 * k) : '',
      );
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});
