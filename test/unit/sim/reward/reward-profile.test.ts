import {
  judgeProfileFor,
  policyStrength,
  rewardKnobsFor,
} from '../../../../src/sim/reward/reward-profile';

describe('reward profiles', () => {
  const qwenPrm = rewardKnobsFor('qwen2.5-math-prm', 7);

  it('judges its own training policy best; size and family distance cost quality', () => {
    const own = judgeProfileFor(qwenPrm, { family: 'qwen2.5', paramsB: 7 });
    const larger = judgeProfileFor(qwenPrm, { family: 'qwen2.5', paramsB: 72 });
    const otherFamily = judgeProfileFor(qwenPrm, { family: 'llama-3', paramsB: 7 });
    expect(own.quality).toBe(qwenPrm.baseQuality);
    expect(larger.quality).toBeLessThan(own.quality);
    expect(otherFamily.quality).toBeLessThan(own.quality);
  });

  it('over-criticises and misses subtle errors of strong policies more than of weak ones', () => {
    const weak = judgeProfileFor(qwenPrm, { family: 'qwen2.5', paramsB: 0.5 });
    const strong = judgeProfileFor(qwenPrm, { family: 'qwen2.5', paramsB: 72 });
    expect(policyStrength({ family: 'qwen2.5', paramsB: 0.5 })).toBe(0);
    expect(weak.overCriticism).toBe(0);
    expect(strong.overCriticism).toBeGreaterThan(0);
    expect(strong.deceptiveChains).toBeGreaterThan(weak.deceptiveChains);
  });

  it('makes Math-Shepherd and RLHFlow weaker and length-biased, a bigger PRM stronger', () => {
    const llama = { family: 'llama-3' as const, paramsB: 8 };
    const strong = ['qwen2.5-math-prm', 'skywork-o1'] as const;
    const weak = ['math-shepherd', 'rlhflow'] as const;
    for (const s of strong)
      for (const w of weak)
        expect(judgeProfileFor(rewardKnobsFor(w, 7), llama).quality).toBeLessThan(
          judgeProfileFor(rewardKnobsFor(s, 7), llama).quality,
        );
    for (const w of weak) expect(rewardKnobsFor(w, 7).lengthBiasPerToken).not.toBe(0);
    expect(rewardKnobsFor('qwen2.5-math-prm', 72).baseQuality).toBeGreaterThan(qwenPrm.baseQuality);
  });

  it('takes overrides (the config quality replaces the base quality)', () => {
    expect(rewardKnobsFor('math-shepherd', 7, { baseQuality: 0.33 }).baseQuality).toBe(0.33);
  });
});
