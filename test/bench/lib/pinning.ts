/**
 * CPU pinning of the bench's processes. In production the proxy has its machine (or container)
 * to itself: the GPU servers and the clients are other machines. On a small bench machine the load
 * generator, the simulators and the process under test (the proxy, or the bare hop it is compared
 * with) share the cores, and which of them the scheduler runs when decides a round as much as
 * their own costs do. Pinned, the process under test runs alone on one CPU and everything else
 * (load generator, simulators) on the others; both arms of a comparison get the same layout.
 *
 * On by default where there are at least 2 CPUs and `taskset` works; `BENCH_PIN=0` turns it off.
 */
import { execFileSync } from 'node:child_process';
import os from 'node:os';

export interface PinPlan {
  /** CPU list (taskset syntax) of the process under test (proxy, bare hop), or null: unpinned. */
  underTest: string | null;
  /** CPU list of the load generator and the simulators, or null: unpinned. */
  rest: string | null;
  /** Why it is on or off, for the JSON's `setup`. */
  reason: string;
}

function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** `BENCH_PIN`: unset or `1` pins when the machine allows it, `0` never. */
export function planPinning(
  setting: string | undefined = process.env.BENCH_PIN,
  cpus: number = os.cpus().length,
): PinPlan {
  const off = (reason: string): PinPlan => ({ underTest: null, rest: null, reason });
  if (setting === '0') return off('off (BENCH_PIN=0)');
  if (cpus < 2) return off(`off (${cpus} CPU: nothing to separate)`);
  if (!hasTaskset()) return off('off (taskset not available)');
  const rest = cpus === 2 ? '1' : `1-${cpus - 1}`;
  return {
    underTest: '0',
    rest,
    reason:
      `on: the process under test (proxy or bare hop, all its threads) on CPU 0, the load ` +
      `generator and the simulators on CPU ${rest}; BENCH_PIN=0 turns it off`,
  };
}

export const UNPINNED: PinPlan = { underTest: null, rest: null, reason: 'off' };
