/**
 * What the young-generation collections of a window cost and kept, from `v8.GCProfiler`'s
 * per-collection heap statistics: how many scavenges ran, their time, and how many bytes they
 * moved into the old generation (old space and large-object space grew by it across a scavenge).
 * A request's objects should die young; bytes promoted per request are what outlived two
 * scavenges and now wait for a mark-compact (docs/performance.md#what-a-scavenge-keeps).
 */

interface SpaceStatistics {
  spaceName: string;
  spaceUsedSize: number;
}

export interface GcProfileEntry {
  gcType: string;
  /** Microseconds. */
  cost: number;
  beforeGC: { heapSpaceStatistics: SpaceStatistics[] };
  afterGC: { heapSpaceStatistics: SpaceStatistics[] };
}

export interface GcWindowSummary {
  scavenges: number;
  scavengeMs: number;
  /** Bytes the scavenges moved to the old generation. */
  promotedBytes: number;
  /** Every other collection (mark-compacts and their incremental steps). */
  otherCollections: number;
  otherCollectionsMs: number;
}

/** Where a scavenge puts what it promotes. */
const OLD_SPACES = new Set(['old_space', 'large_object_space']);

function oldUsed(spaces: readonly SpaceStatistics[]): number {
  let used = 0;
  for (const space of spaces) if (OLD_SPACES.has(space.spaceName)) used += space.spaceUsedSize;
  return used;
}

export function summarizeGcProfile(entries: readonly GcProfileEntry[]): GcWindowSummary {
  const summary: GcWindowSummary = {
    scavenges: 0,
    scavengeMs: 0,
    promotedBytes: 0,
    otherCollections: 0,
    otherCollectionsMs: 0,
  };
  for (const entry of entries) {
    if (entry.gcType === 'Scavenge') {
      summary.scavenges += 1;
      summary.scavengeMs += entry.cost / 1000;
      summary.promotedBytes += Math.max(
        0,
        oldUsed(entry.afterGC.heapSpaceStatistics) - oldUsed(entry.beforeGC.heapSpaceStatistics),
      );
    } else {
      summary.otherCollections += 1;
      summary.otherCollectionsMs += entry.cost / 1000;
    }
  }
  return summary;
}
