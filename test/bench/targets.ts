/**
 * The targets, checked against the numbers of this run. Each entry names the measured
 * value, the bound and whether it holds. When the noise check marks the run invalid, `met` is
 * null ("not judged") for every target: the values are printed, the verdicts are not. A
 * comparison the rig could not judge in this run (`noise.unjudged`: a ratio that can only be too
 * high) is `met: false` when it misses anyway, else `met: null` with `not_judged` (why). Nothing here
 * gates (benchmarks report, CI does not fail); "not met" is a result like any other.
 */
import type { NoiseReport } from './lib/noise';

function at(value: unknown, ...keys: string[]): unknown {
  let node = value;
  for (const key of keys) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

function num(value: unknown, ...keys: string[]): number {
  const found = at(value, ...keys);
  return typeof found === 'number' ? found : NaN;
}

export interface Target {
  target: string;
  measured: number;
  bound: string;
  /** null when the run was too noisy to judge, or the rig could not judge this comparison. */
  met: boolean | null;
  /** Why the rig could not judge this comparison (lib/noise.ts `unjudged`); absent on a miss. */
  not_judged?: string;
}

type Op = '>=' | '<=';

export function evaluateTargets(report: Record<string, unknown>, noise: NoiseReport): Target[] {
  const targets: Target[] = [];
  const check = (
    target: string,
    measured: number,
    op: Op,
    bound: number,
    /** The comparison's name in `noise.unjudged`, if the rig may set it apart. */
    comparison?: string,
  ): void => {
    const holds =
      Number.isFinite(measured) && (op === '>=' ? measured >= bound : measured <= bound);
    const notJudged = comparison === undefined ? undefined : noise.unjudged[comparison];
    // An unjudged comparison's ratio can only be too high (a hop held back by its load side
    // looks slower than it is): a pass proves nothing, a miss stands.
    const met = !noise.is_valid ? null : notJudged === undefined ? holds : holds ? null : false;
    targets.push({
      target,
      measured,
      bound: `${op} ${bound}`,
      met,
      ...(notJudged === undefined || met === false ? {} : { not_judged: notJudged }),
    });
  };
  for (const key of [
    'json_c1',
    'json_c16',
    'sse_c1',
    'sse_c16',
    'completions_json_c1',
    'completions_json_c16',
    'completions_sse_c1',
    'completions_sse_c16',
  ]) {
    const ratio = (which: string): number =>
      num(report, 'passthrough', key, 'throughput_ratio_proxy_vs_bare_hop', which);
    check(
      `passthrough ${key}: throughput proxy / bare hop, median of paired rounds`,
      ratio('median'),
      '>=',
      0.95,
      `passthrough ${key}`,
    );
    check(
      `passthrough ${key}: throughput proxy / bare hop, minimum of paired rounds`,
      ratio('min'),
      '>=',
      0.9,
      `passthrough ${key}`,
    );
  }
  check(
    'vote over 256 distinct symbolic answers: main-thread CPU ms (grouping in a worker)',
    num(report, 'vote_cost', 'n256', 'pool', 'main_thread_cpu_ms'),
    '<=',
    50,
  );
  check(
    'plain-request p99 beside BoN-64 with distinct answers / idle p99, proxy-only loop (GET /v1/models), median of paired rounds',
    num(report, 'event_loop', 'proxy_only_get_models', 'p99_ratio_loaded_vs_idle', 'median'),
    '<=',
    2,
  );
  check(
    'plain-request p99 beside BoN-64 with distinct answers / idle p99, plain chat through the proxy (also waits on the shared policy simulator), median of paired rounds',
    num(report, 'event_loop', 'plain_chat_passthrough', 'p99_ratio_loaded_vs_idle', 'median'),
    '<=',
    2,
  );
  check(
    'proxy CPU per BoN-16 request at c=1 (ms)',
    num(report, 'proxy_cpu', 'best_of_n_16_c1', 'proxy_cpu_ms_per_request'),
    '<=',
    1.5,
  );
  check(
    'proxy CPU linear in N to 256: marginal ms per sample 64-256 / 4-64',
    num(report, 'proxy_cpu', 'linearity', 'marginal_ratio_high_vs_low'),
    '<=',
    1.5,
  );
  for (const [section, label] of [
    ['critical_path', 'short questions'],
    ['critical_path_long_questions', 'long questions'],
  ] as const) {
    for (const method of ['beam_search', 'dvts']) {
      const field = (name: string): number => num(report, section, 'methods', method, name);
      check(
        `${method} N=16 M=4, ${label}: wall / (latency-bearing calls x per-call latency)`,
        field('wall_over_ideal_mean'),
        '<=',
        1.1,
      );
      check(`${method}, ${label}: PRM calls per round`, field('prm_calls_per_round'), '<=', 1);
      check(
        `${method}, ${label}: PRM calls per round (at least one: every round scored)`,
        field('prm_calls_per_round'),
        '>=',
        1,
      );
      check(
        `${method}, ${label}: max policy calls per round in any request (<= N/M)`,
        field('max_policy_calls_per_round_in_any_request'),
        '<=',
        4,
      );
    }
  }
  check(
    'memory: proxy RSS after the last burst / after the second',
    num(report, 'memory', 'rss_growth_last_vs_second_burst'),
    '<=',
    1.1,
  );
  check(
    'memory: proxy heap after a full GC, last burst / second burst',
    num(report, 'memory', 'heap_growth_last_vs_second_burst'),
    '<=',
    1.1,
  );
  check(
    'adaptive vs fixed at equal N (auto-16 vs BoN-16): total tokens saved, mean over seeds (interval in the adaptive section)',
    num(report, 'adaptive', 'equal_n_total_tokens_saved_share', 'mean'),
    '>=',
    0.3,
  );
  check(
    'adaptive vs fixed at equal N: accuracy difference, mean over seeds',
    num(report, 'adaptive', 'equal_n_accuracy_difference', 'mean'),
    '>=',
    -0.02,
  );
  return targets;
}
