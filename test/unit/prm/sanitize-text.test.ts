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
