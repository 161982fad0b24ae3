import { summarizeGcProfile, type GcProfileEntry } from '../../bench/lib/summarize-gc';

const spaces = (old: number, large: number, young: number) => [
  { spaceName: 'new_space', spaceUsedSize: young },
  { spaceName: 'old_space', spaceUsedSize: old },
  { spaceName: 'code_space', spaceUsedSize: 999 },
  { spaceName: 'large_object_space', spaceUsedSize: large },
];

const entry = (
  gcType: string,
  costUs: number,
  before: [number, number, number],
  after: [number, number, number],
): GcProfileEntry => ({
  gcType,
  cost: costUs,
  beforeGC: { heapSpaceStatistics: spaces(...before) },
  afterGC: { heapSpaceStatistics: spaces(...after) },
});

describe('summarizeGcProfile', () => {
  it('counts what scavenges moved into old and large-object space, and their time', () => {
    const summary = summarizeGcProfile([
      entry('Scavenge', 1500, [1000, 0, 8000], [1600, 100, 300]),
      entry('Scavenge', 500, [1600, 100, 9000], [1700, 100, 200]),
      // A mark-compact shrinks the old generation: not a promotion, counted apart.
      entry('MarkSweepCompact', 4000, [1700, 100, 0], [900, 100, 0]),
    ]);
    expect(summary).toEqual({
      scavenges: 2,
      scavengeMs: 2,
      promotedBytes: 700 + 100,
      otherCollections: 1,
      otherCollectionsMs: 4,
    });
  });

  it('never counts a shrinking old generation as negative promotion', () => {
    expect(
      summarizeGcProfile([entry('Scavenge', 100, [5000, 0, 10], [4000, 0, 5])]).promotedBytes,
    ).toBe(0);
  });
});
