/**
 * The bench's arm orders (test/bench/lib/paired-rounds.ts) must favour no arm: every arm runs
 * before and after every other equally often. A plain rotation by one (the order before
 * issue 18's rig work) ran B right before C in two rounds of three.
 */
import { armOrder } from '../../bench/lib/paired-rounds';
import { planPinning } from '../../bench/lib/pinning';
import { cpuNumbers } from '../../bench/lib/proc-stats';

function timesBefore(orders: readonly string[][], first: string, second: string): number {
  return orders.filter((order) => order.indexOf(first) < order.indexOf(second)).length;
}

describe('armOrder', () => {
  it('runs every order of three arms once in six rounds', () => {
    const orders = Array.from({ length: 6 }, (_, r) => armOrder(['a', 'b', 'c'], r));
    expect(new Set(orders.map((order) => order.join(''))).size).toBe(6);
    for (const [x, y] of [
      ['a', 'b'],
      ['a', 'c'],
      ['b', 'c'],
    ] as const) {
      expect(timesBefore(orders, x, y)).toBe(timesBefore(orders, y, x));
    }
  });

  it('alternates two arms so that each leads in half of every four rounds', () => {
    const orders = Array.from({ length: 4 }, (_, r) => armOrder(['idle', 'loaded'], r));
    expect(timesBefore(orders, 'idle', 'loaded')).toBe(2);
    expect(timesBefore(orders, 'loaded', 'idle')).toBe(2);
  });

  it('keeps every arm in every round', () => {
    for (let r = 0; r < 12; r++)
      expect([...armOrder(['a', 'b', 'c'], r)].sort()).toEqual(['a', 'b', 'c']);
  });
});

describe('planPinning', () => {
  it('is off when asked (BENCH_PIN=0) or with one CPU', () => {
    expect(planPinning('0', 8).underTest).toBeNull();
    expect(planPinning(undefined, 1).underTest).toBeNull();
    expect(planPinning('0', 8).reason).toMatch(/BENCH_PIN=0/);
  });
});

describe('cpuNumbers', () => {
  it('reads taskset lists', () => {
    expect(cpuNumbers('0')).toEqual([0]);
    expect(cpuNumbers('1-3')).toEqual([1, 2, 3]);
    expect(cpuNumbers('0,2-3')).toEqual([0, 2, 3]);
  });
});
