import {
  bestPoint,
  computeToReach,
  efficiencyGain,
  formatGain,
  performanceGain,
} from '../../../src/eval';

describe('performanceGain', () => {
  it("reproduces the paper's Table 5 (Llama-3.2-1B: 26.0 → 66.2 is +154.6%)", () => {
    expect(performanceGain(0.662, 0.26)).toBeCloseTo(1.546, 3);
    expect(performanceGain(0.918, 0.838)).toBeCloseTo(0.095, 3);
  });
  it('is null without a CoT accuracy above 0', () => {
    expect(performanceGain(0.5, 0)).toBeNull();
    expect(performanceGain(0.5, null)).toBeNull();
    expect(performanceGain(null, 0.4)).toBeNull();
  });
});

describe('computeToReach', () => {
  const curve = [
    { compute: 16, accuracy: 0.6 },
    { compute: 4, accuracy: 0.4 },
    { compute: 64, accuracy: 0.7 },
  ];
  it('interpolates linearly in log2(compute) on the first crossing segment', () => {
    // 0.5 is halfway from 0.4 (N=4) to 0.6 (N=16): log2 N = 3, N = 8.
    expect(computeToReach(curve, 0.5)).toEqual({ compute: 8, isAtFirstPoint: false });
    expect(computeToReach(curve, 0.7)?.compute).toBeCloseTo(64, 9);
  });
  it('flags a target already met at the cheapest point', () => {
    expect(computeToReach(curve, 0.3)).toEqual({ compute: 4, isAtFirstPoint: true });
  });
  it('is null when the curve never reaches the target', () => {
    expect(computeToReach(curve, 0.71)).toBeNull();
    expect(computeToReach([], 0.1)).toBeNull();
  });
  it('takes the first crossing of a non-monotone curve', () => {
    const bumpy = [
      { compute: 1, accuracy: 0.2 },
      { compute: 2, accuracy: 0.6 },
      { compute: 4, accuracy: 0.3 },
      { compute: 8, accuracy: 0.7 },
    ];
    expect(computeToReach(bumpy, 0.4)?.compute).toBeCloseTo(2 ** 0.5, 9);
  });
  it('rejects non-positive compute', () => {
    expect(() => computeToReach([{ compute: 0, accuracy: 0.5 }], 0.4)).toThrow(RangeError);
  });
});

describe('bestPoint', () => {
  it('takes the highest accuracy, the cheapest on ties', () => {
    expect(
      bestPoint([
        { compute: 64, accuracy: 0.7 },
        { compute: 16, accuracy: 0.7 },
        { compute: 4, accuracy: 0.5 },
      ]),
    ).toEqual({ compute: 16, accuracy: 0.7 });
    expect(bestPoint([])).toBeNull();
  });
});

describe('efficiencyGain', () => {
  const majority = [
    { compute: 1, accuracy: 0.3 },
    { compute: 4, accuracy: 0.4 },
    { compute: 16, accuracy: 0.5 },
    { compute: 64, accuracy: 0.6 },
  ];
  it('arm-best: majority budget to match the arm best ÷ the arm budget, interpolated', () => {
    // The arm reaches 0.55 at N=4; majority gets there halfway between 16 and 64 (N=32): 8×.
    const gain = efficiencyGain([{ compute: 4, accuracy: 0.55 }], majority, 'arm-best');
    expect(gain.bound).toBe('exact');
    expect(gain.value).toBeCloseTo(8, 9);
    expect(gain.majorityCompute).toBeCloseTo(32, 9);
    expect(gain.targetAccuracy).toBe(0.55);
  });
  it('arm-best: ">max" (a lower bound from majority\'s largest budget) when majority never matches', () => {
    const gain = efficiencyGain(
      [
        { compute: 4, accuracy: 0.7 },
        { compute: 16, accuracy: 0.8 },
      ],
      majority,
      'arm-best',
    );
    expect(gain).toMatchObject({ value: 4, bound: 'lower', armCompute: 16, majorityCompute: 64 });
    expect(formatGain(gain)).toBe('>4.0×');
  });
  it('arm-best: an upper bound when majority already matches at its cheapest point', () => {
    const gain = efficiencyGain([{ compute: 4, accuracy: 0.25 }], majority, 'arm-best');
    expect(gain).toMatchObject({ value: 0.25, bound: 'upper' });
    expect(formatGain(gain)).toBe('≤0.25×');
  });
  it("majority-best: majority's best compute ÷ the arm's compute at the same accuracy (compute-optimal-tts #11)", () => {
    // Majority's best is 0.6 at 64; the arm reaches 0.6 halfway from 4 (0.5) to 16 (0.7): N=8 → 8×.
    const gain = efficiencyGain(
      [
        { compute: 4, accuracy: 0.5 },
        { compute: 16, accuracy: 0.7 },
      ],
      majority,
      'majority-best',
    );
    expect(gain.bound).toBe('exact');
    expect(gain.value).toBeCloseTo(8, 9);
  });
  it('majority-best: a lower bound when the arm beats majority at its first point, none when it never does', () => {
    expect(
      efficiencyGain([{ compute: 4, accuracy: 0.65 }], majority, 'majority-best'),
    ).toMatchObject({ value: 16, bound: 'lower' });
    const never = efficiencyGain([{ compute: 4, accuracy: 0.5 }], majority, 'majority-best');
    expect(never).toMatchObject({ value: null, bound: 'none', targetAccuracy: 0.6 });
    expect(formatGain(never)).toBe('—');
  });
  it('works on FLOPs as well as budgets', () => {
    const gain = efficiencyGain(
      [{ compute: 4e12, accuracy: 0.55 }],
      majority.map((p) => ({ ...p, compute: p.compute * 1e12 })),
      'arm-best',
    );
    expect(gain.value).toBeCloseTo(8, 6);
  });
  it('is undefined without data', () => {
    expect(efficiencyGain([], majority, 'arm-best').bound).toBe('none');
    expect(efficiencyGain([{ compute: 4, accuracy: 0.5 }], [], 'majority-best').bound).toBe('none');
  });
});

describe('formatGain', () => {
  it('prints like the paper', () => {
    expect(
      formatGain({
        value: 256,
        bound: 'lower',
        targetAccuracy: 0.6,
        armCompute: 1,
        majorityCompute: 256,
      }),
    ).toBe('>256×');
    expect(
      formatGain({
        value: 14.09,
        bound: 'exact',
        targetAccuracy: 0.6,
        armCompute: 1,
        majorityCompute: 14,
      }),
    ).toBe('14.1×');
  });
});
