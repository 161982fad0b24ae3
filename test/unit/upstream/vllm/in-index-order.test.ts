import { inIndexOrder } from '../../../../src/upstream/vllm/in-index-order';

describe('inIndexOrder', () => {
  it('hands a list already in index order back as it is', () => {
    const items = [{ index: 0 }, { index: 1 }, { index: 1 }, { index: 3 }];
    expect(inIndexOrder(items)).toBe(items);
    expect(inIndexOrder([])).toEqual([]);
  });

  it('sorts a copy of a list out of order, keeping equal indices in their order', () => {
    const items = [
      { index: 2, name: 'c' },
      { index: 0, name: 'a' },
      { index: 2, name: 'd' },
      { index: 1, name: 'b' },
    ];
    const snapshot = items.map((item) => item.name);
    expect(inIndexOrder(items).map((item) => item.name)).toEqual(['a', 'b', 'c', 'd']);
    expect(items.map((item) => item.name)).toEqual(snapshot);
  });
});
