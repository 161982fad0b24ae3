import fc from 'fast-check';
import { truncateLeft } from '../../../src/prm';

describe('truncateLeft', () => {
  const ids = [100, 101, 102, 103, 7, 104, 7, 105, 7];
  const markers = [4, 6, 8];

  it('returns the input unchanged when it fits', () => {
    expect(truncateLeft(ids, { maxTokens: 9, markerPositions: markers })).toEqual({
      ids,
      droppedTokens: 0,
      markerPositions: markers,
      droppedMarkers: 0,
    });
  });

  it('cuts from the left and shifts the surviving marker positions', () => {
    const result = truncateLeft(ids, { maxTokens: 6, markerPositions: markers });
    expect(result.ids).toEqual([103, 7, 104, 7, 105, 7]);
    expect(result.droppedTokens).toBe(3);
    expect(result.markerPositions).toEqual([1, 3, 5]);
    expect(result.droppedMarkers).toBe(0);
    result.markerPositions.forEach((position) => expect(result.ids[position]).toBe(7));
  });

  it('reports the markers that no longer fit', () => {
    const result = truncateLeft(ids, { maxTokens: 3, markerPositions: markers });
    expect(result.ids).toEqual([7, 105, 7]);
    expect(result.markerPositions).toEqual([0, 2]);
    expect(result.droppedMarkers).toBe(1);
  });

  it('keeps a preserved head (e.g. BOS) and cuts right after it', () => {
    const result = truncateLeft(ids, {
      maxTokens: 5,
      markerPositions: markers,
      preserveLeadingTokens: 1,
    });
    expect(result.ids).toEqual([100, 104, 7, 105, 7]);
    expect(result.droppedTokens).toBe(4);
    expect(result.markerPositions).toEqual([2, 4]);
    expect(result.droppedMarkers).toBe(1);
  });

  it('rejects impossible budgets', () => {
    expect(() => truncateLeft(ids, { maxTokens: 0 })).toThrow(RangeError);
    expect(() => truncateLeft(ids, { maxTokens: 2.5 })).toThrow(RangeError);
    expect(() => truncateLeft(ids, { maxTokens: 2, preserveLeadingTokens: 2 })).toThrow(RangeError);
  });

  it('always fits the budget and keeps every marker that points at the same token (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 60 }),
        fc.integer({ min: 1, max: 70 }),
        fc.integer({ min: 0, max: 3 }),
        (tokens, maxTokens, head) => {
          fc.pre(head < maxTokens);
          const positions = tokens.flatMap((id, index) => (id === 0 ? [index] : []));
          const result = truncateLeft(tokens, {
            maxTokens,
            markerPositions: positions,
            preserveLeadingTokens: head,
          });
          expect(result.ids.length).toBe(Math.min(tokens.length, maxTokens));
          expect(result.droppedTokens).toBe(tokens.length - result.ids.length);
          expect(result.markerPositions.length + result.droppedMarkers).toBe(positions.length);
          result.markerPositions.forEach((position) => expect(result.ids[position]).toBe(0));
          // Every marker that survives in the kept tail is reported, in order.
          expect(result.markerPositions).toEqual([...result.markerPositions].sort((a, b) => a - b));
        },
      ),
    );
  });
});
