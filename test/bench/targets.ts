/**
 * The targets, checked against the numbers of this run. Each entry names the measured
 * value, the bound and whether it holds; nothing here gates (benchmarks report, CI does not fail).
 */

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

interface Target {
  target: string;
  measured: number;
  bound: string;
  met: boolean;
}

function check(target: string, measured: number, op: '>=' | '<=' | '<', bound: number): Target {
  const met = op === '>=' ? measured >= bound : op === '<=' ? measured <= bound : measured < bound;
  return { target, measured, bound: `${op} ${bound}`, met: Number.isFinite(measured) && met };
}

export function evaluateTargets(report: Record<string, unknown>): Target[] {
  const targets: Target[] = [];
  for (const c of ['c1', 'c64']) {
    targets.push(
      check(
        `passthrough ${c}: throughput proxy / bare hop`,
        num(report, 'passthrough', c, 'throughput_ratio_proxy_vs_bare_hop'),
        '>=',
        0.9,
      ),
    );
    // At c64 the loop is saturated: each target's p50 is ~concurrency / its throughput, so this
    // row restates the throughput ratio in ms; the unloaded latency cost is the c1 row.
    targets.push(
      check(
        `passthrough ${c}: added p50 vs direct (ms)`,
        num(report, 'passthrough', c, 'proxy_added_p50_ms'),
        '<',
        1,
      ),
    );
  }
  for (const method of ['beam_search', 'dvts']) {
    targets.push(
      check(
        `critical path ${method} N=16 M=4: wall / (latency-bearing calls x per-call latency), mean`,
        num(report, 'critical_path', 'methods', method, 'wall_over_ideal_mean'),
        '<=',
        1.1,
      ),
    );
    targets.push(
      check(
        `critical path ${method} N=16 M=4: wall / time waiting on upstream calls, mean`,
        num(report, 'critical_path', 'methods', method, 'wall_over_upstream_wait_mean'),
        '<=',
        1.1,
      ),
    );
    targets.push(
      check(
        `critical path ${method}: PRM calls per round`,
        num(report, 'critical_path', 'methods', method, 'prm_calls_per_round'),
        '<=',
        1,
      ),
    );
    targets.push(
      check(
        `critical path ${method}: max policy calls per round in any request`,
        num(
          report,
          'critical_path',
          'methods',
          method,
          'max_policy_calls_per_round_in_any_request',
        ),
        '<=',
        1,
      ),
    );
  }
  targets.push(
    check(
      'critical path BoN-16: wall / (one sample + one PRM call)',
      num(report, 'critical_path', 'bon16_wall_over_one_sample_plus_one_prm_call'),
      '<=',
      1.1,
    ),
  );
  targets.push(
    check(
      'proxy CPU per BoN-16 request (ms)',
      num(report, 'proxy_cpu', 'best_of_n_16', 'proxy_cpu_ms_per_request'),
      '<=',
      2,
    ),
  );
  targets.push(
    check(
      'scale: CPU per request 1000 vs 10 concurrent (ratio)',
      num(report, 'scale', 'cpu_per_request_ratio_last_vs_first'),
      '<=',
      1.25,
    ),
  );
  targets.push(
    check(
      'scale: completed of 1000 concurrent',
      num(report, 'scale', 'steps', 'c1000', 'completed'),
      '>=',
      num(report, 'scale', 'steps', 'c1000', 'requests'),
    ),
  );
  // Tokens to reach a given accuracy: the cheapest auto budget at or above BoN-16's accuracy.
  targets.push(
    check(
      'compute efficiency: policy tokens saved reaching BoN-16 accuracy with auto + early stopping (share)',
      num(
        report,
        'compute_efficiency',
        'tokens_to_reach_best_of_n_16_accuracy',
        'policy_tokens_saved_share',
      ),
      '>=',
      0.3,
    ),
  );
  // Same budget (N=16): what auto saves and whether it loses accuracy doing so.
  targets.push(
    check(
      'compute efficiency: accuracy of auto-16 minus BoN-16',
      num(report, 'compute_efficiency', 'auto_vs_best_of_n_16', 'accuracy_difference'),
      '>=',
      -0.02,
    ),
  );
  return targets;
}
