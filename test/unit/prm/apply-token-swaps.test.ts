import { applyTokenSwaps } from '../../../src/prm';

describe('applyTokenSwaps', () => {
  it('replaces every placeholder id one for one', () => {
    expect(applyTokenSwaps([5, 128002, 6, 128002], [{ fromId: 128002, toId: 10 }])).toEqual([
      5, 10, 6, 10,
    ]);
  });

  it('never swaps a swapped-in id again', () => {
    const swaps = [
      { fromId: 1, toId: 2 },
      { fromId: 2, toId: 3 },
    ];
    expect(applyTokenSwaps([1, 2], swaps)).toEqual([2, 3]);
  });

  it('returns a copy when there is nothing to swap', () => {
    const ids = [1, 2];
    const result = applyTokenSwaps(ids, []);
    expect(result).toEqual(ids);
    expect(result).not.toBe(ids);
  });
});
