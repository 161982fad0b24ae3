import { hashParts } from '../hash-text';
import { createSimRandom } from '../sim-random';
import type { SimFaults } from '../sim-options';

export type FaultDecision =
  | { kind: 'none'; extraDelayMs: number }
  | { kind: 'error'; status: 500 | 502 | 503; extraDelayMs: number }
  | { kind: 'timeout'; extraDelayMs: number }
  | { kind: 'malformed'; extraDelayMs: number };

/** Seeded fault draws, one per model call, in call order. */
export function createFaultPlan(faults: SimFaults, seed: number): () => FaultDecision {
  const rng = createSimRandom(hashParts('faults', seed));
  const statuses = [500, 502, 503] as const;
  return () => {
    const extraDelayMs = rng.next() < faults.slowRate ? faults.slowMs : 0;
    const roll = rng.next();
    const status = statuses[Math.floor(rng.next() * statuses.length)] ?? 500;
    if (roll < faults.errorRate) return { kind: 'error', status, extraDelayMs };
    if (roll < faults.errorRate + faults.timeoutRate) return { kind: 'timeout', extraDelayMs };
    if (roll < faults.errorRate + faults.timeoutRate + faults.malformedRate)
      return { kind: 'malformed', extraDelayMs };
    return { kind: 'none', extraDelayMs };
  };
}
