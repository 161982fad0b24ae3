/**
 * The bench's verdicts (test/bench/targets.ts, test/bench/lib/noise.ts): a noisy run prints no
 * verdict at all; a comparison the rig cannot make (a bare hop paced by the load side: its ratio
 * can only be too high) prints a miss as a miss and no verdict for a pass, says why, and leaves
 * the others judged.
 */
import { createNoiseLedger } from '../../bench/lib/noise';
import { medianInterval } from '../../bench/lib/summarize';
import { evaluateTargets, type Target } from '../../bench/targets';

const report = {
  passthrough: {
    json_c16: {
      throughput_ratio_proxy_vs_bare_hop: {
        median: 0.97,
        min: 0.93,
        median_interval: [0.96, 0.98],
      },
    },
    sse_c16: {
      throughput_ratio_proxy_vs_bare_hop: { median: 0.8, min: 0.7, median_interval: [0.75, 0.85] },
    },
  },
};

function find(targets: Target[], start: string): Target {
  const found = targets.find((t) => t.target.startsWith(start));
  if (!found) throw new Error(`no target ${start}`);
  return found;
}

describe('noise ledger and targets', () => {
  it('judges every target of a quiet run', () => {
    const noise = createNoiseLedger(0.01);
    noise.spread('passthrough json_c16', [0.96, 0.97, 0.98]);
    const targets = evaluateTargets(report, noise.report());
    expect(noise.report().is_valid).toBe(true);
    expect(find(targets, 'passthrough json_c16: throughput proxy / bare hop, median').met).toBe(
      true,
    );
    expect(find(targets, 'passthrough sse_c16: throughput proxy / bare hop, median').met).toBe(
      false,
    );
  });

  it('sets an unjudged comparison apart and still judges the others', () => {
    const noise = createNoiseLedger(0.01);
    noise.unjudged('passthrough sse_c16', 'the bare hop was paced by the load side');
    // Its spread is not a reason to void the run: it is not judged anyway.
    noise.spread('passthrough sse_c16', [0.5, 0.8, 0.9]);
    const result = noise.report();
    expect(result.is_valid).toBe(true);
    expect(result.unjudged).toEqual({
      'passthrough sse_c16': 'the bare hop was paced by the load side',
    });
    // Both ratios miss: a ratio that can only be too high and still misses is a miss.
    const targets = evaluateTargets(report, result);
    for (const which of ['median', 'minimum']) {
      const target = find(targets, `passthrough sse_c16: throughput proxy / bare hop, ${which}`);
      expect(target.met).toBe(false);
      expect(target.not_judged).toBeUndefined();
      expect(target.measured).toBe(which === 'median' ? 0.8 : 0.7);
    }
    // Passing ratios of an unjudged comparison prove nothing: not judged, with why.
    const passing = {
      passthrough: {
        sse_c16: {
          throughput_ratio_proxy_vs_bare_hop: {
            median: 0.99,
            min: 0.95,
            median_interval: [0.97, 1.01],
          },
        },
      },
    };
    for (const target of evaluateTargets(passing, result).filter((t) =>
      t.target.startsWith('passthrough sse_c16'),
    )) {
      expect(target.met).toBeNull();
      expect(target.not_judged).toBe('the bare hop was paced by the load side');
    }
    const judged = find(targets, 'passthrough json_c16: throughput proxy / bare hop, minimum');
    expect(judged.met).toBe(true);
    expect(judged.not_judged).toBeUndefined();
  });

  it("gives no passthrough verdict against a yardstick other than the issue's hop", () => {
    const noise = createNoiseLedger(0.01);
    const result = noise.report();
    const against = (hopKind: string | undefined): Target[] =>
      evaluateTargets(
        {
          ...report,
          setup: hopKind === undefined ? {} : { hop_kind: hopKind },
          vote_cost: { n256: { pool: { main_thread_cpu_ms: 3 } } },
        },
        result,
      );
    for (const hopKind of ['undici', 'node-http']) {
      const targets = against(hopKind);
      // json_c16 passes and sse_c16 misses against the hop: neither is a verdict here.
      for (const start of ['passthrough json_c16', 'passthrough sse_c16']) {
        for (const target of targets.filter((t) => t.target.startsWith(start))) {
          expect(target.met).toBeNull();
          expect(target.not_judged).toBe(
            `the bare hop was a ${hopKind} relay, not the issue's http-proxy-middleware hop`,
          );
        }
      }
      // Targets of other sections are judged as ever.
      expect(find(targets, 'vote over 256 distinct symbolic answers').met).toBe(true);
    }
    // The hop, named or (in reports before the setting) not, is judged.
    for (const hopKind of ['http-proxy-middleware', undefined]) {
      const targets = against(hopKind);
      expect(find(targets, 'passthrough json_c16: throughput proxy / bare hop, median').met).toBe(
        true,
      );
      expect(find(targets, 'passthrough sse_c16: throughput proxy / bare hop, median').met).toBe(
        false,
      );
    }
  });

  it('judges nothing when the run is noisy or flagged', () => {
    const spread = createNoiseLedger(0.01);
    spread.spread('passthrough json_c16', [0.7, 0.97, 1.0]);
    const flagged = createNoiseLedger(0.01);
    flagged.flag('something made the whole run unfit');
    const busy = createNoiseLedger(0.5);
    for (const noise of [spread, flagged, busy]) {
      const result = noise.report();
      expect(result.is_valid).toBe(false);
      expect(result.reasons.length).toBeGreaterThan(0);
      expect(evaluateTargets(report, result).every((t) => t.met === null)).toBe(true);
    }
  });
});

describe("a change of the machine's speed", () => {
  const figures = {
    ...report,
    vote_cost: { n256: { pool: { main_thread_cpu_ms: 3 } } },
    proxy_cpu: {
      best_of_n_16_c1: { proxy_cpu_ms_per_request: 1.2 },
      linearity: { marginal_ratio_high_vs_low: 1.1 },
    },
    critical_path: { methods: { beam_search: { wall_over_ideal_max: 1.05 } } },
    memory: { rss_growth_last_vs_second_burst: 1.0 },
  };
  const absolute = [
    'vote over 256 distinct symbolic answers',
    'proxy CPU per BoN-16 request at c=1',
    'proxy CPU linear in N to 256',
    'beam_search N=16 M=4, short questions: wall',
  ];

  it('voids the targets on absolute figures and leaves the run valid', () => {
    const noise = createNoiseLedger(0.01);
    noise.spread('passthrough json_c16', [0.96, 0.97, 0.98]);
    noise.speedChanged('machine speed: drift 0.3, limit ±0.15');
    const result = noise.report();
    expect(result.is_valid).toBe(true);
    expect(result.speed_steady).toBe(false);
    expect(result.speed_reasons).toEqual(['machine speed: drift 0.3, limit ±0.15']);
    const targets = evaluateTargets(figures, result);
    for (const start of absolute) {
      const target = find(targets, start);
      expect(target.met).toBeNull();
      expect(target.not_judged).toMatch(/machine's speed changed during the run: machine speed/);
    }
    // Paired ratios and memory ratios keep their verdicts.
    expect(find(targets, 'passthrough json_c16: throughput proxy / bare hop, median').met).toBe(
      true,
    );
    expect(find(targets, 'memory: proxy RSS after the last burst').met).toBe(true);
  });

  it('judges the absolute figures of a run whose speed held', () => {
    const result = createNoiseLedger(0.01).report();
    expect(result.speed_steady).toBe(true);
    const targets = evaluateTargets(figures, result);
    for (const start of absolute) expect(find(targets, start).met).toBe(true);
  });
});

describe('what a verdict rests on', () => {
  const quiet = (): ReturnType<ReturnType<typeof createNoiseLedger>['report']> =>
    createNoiseLedger(0.01).report();
  const eventLoop = (median: number, interval: [number, number]) => ({
    event_loop: {
      proxy_only_get_models: { p99_ratio_loaded_vs_idle: { median, median_interval: interval } },
    },
  });
  const getLoop = (targets: Target[]): Target =>
    find(targets, 'plain-request p99 beside BoN-64 with distinct answers / idle p99, proxy-only');

  it("meets a median-of-rounds target only when the median's interval clears the bound whole", () => {
    expect(getLoop(evaluateTargets(eventLoop(1.6, [1.4, 1.9]), quiet())).met).toBe(true);
    const lucky = getLoop(evaluateTargets(eventLoop(1.9, [1.5, 3.1]), quiet()));
    expect(lucky.met).toBe(false);
    expect(lucky.median_interval).toEqual([1.5, 3.1]);
    expect(lucky.note).toMatch(/not shown: its interval \[1.5, 3.1\]/);
    // A median whose interval the report lacks gets no verdict at all.
    const bare = getLoop(
      evaluateTargets(
        { event_loop: { proxy_only_get_models: { p99_ratio_loaded_vs_idle: { median: 1.5 } } } },
        quiet(),
      ),
    );
    expect(bare.met).toBeNull();
    expect(bare.not_judged).toMatch(/interval is missing/);
    const miss = getLoop(evaluateTargets(eventLoop(2.3, [2.1, 3.0]), quiet()));
    expect(miss.met).toBe(false);
    expect(miss.note).toBeUndefined();
  });

  it('gives no verdict on what the run did not measure', () => {
    const targets = evaluateTargets({}, quiet());
    expect(targets.length).toBeGreaterThan(10);
    for (const target of targets) {
      expect(target.met).toBeNull();
      expect(target.not_judged).toMatch(/not measured in this run/);
    }
  });

  it('counts a token saving only at equal or better accuracy', () => {
    const adaptive = (saved: number, accuracy: number, spread = 0.01) => ({
      adaptive: {
        equal_n_total_tokens_saved_share: {
          mean: saved,
          low: saved - spread,
          high: saved + spread,
        },
        equal_n_accuracy_difference: {
          mean: accuracy,
          low: accuracy - spread,
          high: accuracy + spread,
        },
      },
    });
    const tokens = (targets: Target[]): Target => find(targets, 'adaptive vs fixed at equal N (');
    expect(tokens(evaluateTargets(adaptive(0.35, 0.02), quiet())).met).toBe(true);
    // Equal accuracy on the mean is not shown equal when its interval reaches below 0.
    expect(tokens(evaluateTargets(adaptive(0.35, 0), quiet())).met).toBe(false);
    // A saving whose interval reaches below the bound is not shown either.
    expect(tokens(evaluateTargets(adaptive(0.32, 0.05, 0.04), quiet())).met).toBe(false);
    const worse = tokens(evaluateTargets(adaptive(0.35, -0.01), quiet()));
    expect(worse.met).toBe(false);
    expect(worse.note).toMatch(/accuracy not shown equal or better/);
    expect(
      find(
        evaluateTargets(adaptive(0.35, -0.01), quiet()),
        'adaptive vs fixed at equal N: accuracy',
      ).met,
    ).toBe(false);
  });

  it('says when the 256-answer vote ran out of its step budget', () => {
    const vote = {
      vote_cost: {
        n256: {
          pool: {
            main_thread_cpu_ms: 2.5,
            stats: { degradedReason: 'budget-exhausted', skippedComparisons: 247 },
          },
        },
      },
    };
    const target = find(evaluateTargets(vote, quiet()), 'vote over 256');
    expect(target.met).toBe(true);
    expect(target.note).toMatch(/budget-exhausted, 247 comparisons skipped/);
  });
});

describe('the median interval the spread limit reads', () => {
  it('is the whole range at five rounds and leaves out two extremes each side at eleven', () => {
    expect(medianInterval([1.0, 0.9, 1.1, 1.05, 0.95])).toEqual({
      low: 0.9,
      high: 1.1,
      coverage: 0.938,
    });
    const eleven = [0.7, 1.3, 0.96, 0.97, 0.98, 0.99, 1.0, 1.01, 1.02, 0.8, 1.2];
    // Sorted: 0.7 0.8 0.96 ... 1.02 1.2 1.3; x(3)..x(9) at coverage 1 − 2·67/2048.
    expect(medianInterval(eleven)).toEqual({ low: 0.96, high: 1.02, coverage: 0.935 });
    // Four values cannot reach 0.9 even with the whole range: it says so in its coverage.
    expect(medianInterval([1, 2, 3, 4]).coverage).toBe(0.875);
  });

  it('voids a run whose median the rounds pin down loosely, not one with a single stray round', () => {
    const stray = createNoiseLedger(0.01);
    stray.spread(
      'passthrough json_c1',
      [0.7, 0.96, 0.97, 0.98, 0.99, 1.0, 1.01, 1.02, 1.03, 1.04, 1.05],
    );
    const strayReport = stray.report();
    expect(strayReport.is_valid).toBe(true);
    expect(strayReport.ratio_spreads['passthrough json_c1']).toMatchObject({
      range: 0.35,
      median_interval: [0.97, 1.03],
      median_interval_width: 0.06,
    });
    const loose = createNoiseLedger(0.01);
    loose.spread(
      'passthrough json_c1',
      [0.7, 0.75, 0.8, 0.9, 0.95, 1.0, 1.05, 1.1, 1.15, 1.2, 1.3],
    );
    expect(loose.report().is_valid).toBe(false);
    expect(loose.report().reasons[0]).toMatch(/passthrough json_c1: the median's interval/);
    // At five rounds the interval is the range: one stray round of five still voids the run.
    const five = createNoiseLedger(0.01);
    five.spread('passthrough json_c1', [0.7, 0.98, 1.0, 1.01, 1.02]);
    expect(five.report().is_valid).toBe(false);
  });
});
