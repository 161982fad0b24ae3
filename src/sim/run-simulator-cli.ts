import { parseArgs } from 'node:util';
import type { PrmFamily } from './sim-options';
import { startSimulatorPair, type SimulatorPair } from './start-simulator-pair';
import type { PolicyFamily } from './world/policy-strength';

/** A bad command-line value; the CLI entry point turns it into a usage error. */
export class SimCliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SimCliError';
  }
}

const POLICY_FAMILIES: readonly PolicyFamily[] = ['qwen2.5', 'llama-3', 'deepseek-r1-distill'];
const PRM_FAMILIES: readonly PrmFamily[] = [
  'qwen2.5-math-prm',
  'math-shepherd',
  'rlhflow',
  'skywork-o1',
  'outcome',
];

export const SIM_CLI_USAGE = `tts-proxy sim [options]   start a SIMULATED vLLM policy server and PRM server
  --seed N                 world and sampling seed (default 0)
  --host HOST              listen address (default 127.0.0.1)
  --policy-port N          (default 8100; 0 = any free port)
  --prm-port N             (default 8101)
  --policy-model NAME      served name, "sim/" is prefixed unless it contains "sim" (default Qwen/Qwen2.5-1.5B-Instruct)
  --policy-family F        ${POLICY_FAMILIES.join(' | ')} (default qwen2.5)
  --policy-params B        size in billions (default 1.5)
  --prm-model NAME         (default Qwen/Qwen2.5-Math-PRM-7B)
  --prm-family F           ${PRM_FAMILIES.join(' | ')} (default qwen2.5-math-prm)
  --prm-params B           (default 7)
  --prm-quality Q          0..1 (default 0.8)
  --per-call-ms MS, --prefill-ms-per-token MS, --decode-ms-per-token MS, --max-batch N   latency model (default 0)
  --error-rate P, --timeout-rate P, --slow-rate P, --slow-ms MS, --malformed-rate P       fault injection (default 0)
  --api-key KEY            require this bearer token on /v1/*`;

function numberOption(
  values: Record<string, string | undefined>,
  name: string,
  fallback: number,
  range?: [number, number],
): number {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || (range && (value < range[0] || value > range[1]))) {
    throw new SimCliError(
      `--${name} must be a number${range ? ` in [${range[0]}, ${range[1]}]` : ''}, got "${raw}"`,
    );
  }
  return value;
}

function oneOf<T extends string>(
  allowed: readonly T[],
  raw: string | undefined,
  fallback: T,
  name: string,
): T {
  if (raw === undefined) return fallback;
  const found = allowed.find((item) => item === raw);
  if (!found) throw new SimCliError(`--${name} must be one of ${allowed.join(', ')}, got "${raw}"`);
  return found;
}

/**
 * Parses `tts-proxy sim` arguments and starts the pair. Never exits the process; the caller
 * owns signals and shutdown (`pair.close()`).
 * @throws SimCliError on bad arguments
 */
export async function runSimulatorCli(
  args: readonly string[],
  log: (line: string) => void,
): Promise<SimulatorPair> {
  const names = [
    'seed',
    'host',
    'policy-port',
    'prm-port',
    'policy-model',
    'policy-family',
    'policy-params',
    'prm-model',
    'prm-family',
    'prm-params',
    'prm-quality',
    'per-call-ms',
    'prefill-ms-per-token',
    'decode-ms-per-token',
    'max-batch',
    'error-rate',
    'timeout-rate',
    'slow-rate',
    'slow-ms',
    'malformed-rate',
    'api-key',
  ];
  let values: Record<string, string | undefined>;
  try {
    const parsed = parseArgs({
      args: [...args],
      options: Object.fromEntries(names.map((name) => [name, { type: 'string' as const }])),
      strict: true,
      allowPositionals: false,
    }).values;
    values = Object.fromEntries(
      Object.entries(parsed).map(([name, value]) => [
        name,
        typeof value === 'string' ? value : undefined,
      ]),
    );
  } catch (error) {
    throw new SimCliError(
      `${error instanceof Error ? error.message : String(error)}\n${SIM_CLI_USAGE}`,
    );
  }
  const rate = (name: string): number => numberOption(values, name, 0, [0, 1]);
  const maxBatch =
    values['max-batch'] === undefined ? undefined : numberOption(values, 'max-batch', 1, [1, 1e9]);
  return startSimulatorPair({
    seed: numberOption(values, 'seed', 0),
    host: values['host'] ?? '127.0.0.1',
    policyPort: numberOption(values, 'policy-port', 8100, [0, 65535]),
    prmPort: numberOption(values, 'prm-port', 8101, [0, 65535]),
    policy: {
      servedName: values['policy-model'] ?? 'Qwen/Qwen2.5-1.5B-Instruct',
      family: oneOf(POLICY_FAMILIES, values['policy-family'], 'qwen2.5', 'policy-family'),
      paramsB: numberOption(values, 'policy-params', 1.5, [0.01, 10000]),
    },
    prm: {
      servedName: values['prm-model'] ?? 'Qwen/Qwen2.5-Math-PRM-7B',
      family: oneOf(PRM_FAMILIES, values['prm-family'], 'qwen2.5-math-prm', 'prm-family'),
      paramsB: numberOption(values, 'prm-params', 7, [0.01, 10000]),
      quality: numberOption(values, 'prm-quality', 0.8, [0, 1]),
    },
    latency: {
      perCallMs: numberOption(values, 'per-call-ms', 0, [0, 1e7]),
      prefillMsPerToken: numberOption(values, 'prefill-ms-per-token', 0, [0, 1e5]),
      decodeMsPerToken: numberOption(values, 'decode-ms-per-token', 0, [0, 1e5]),
      ...(maxBatch !== undefined && { maxBatch }),
    },
    faults: {
      errorRate: rate('error-rate'),
      timeoutRate: rate('timeout-rate'),
      slowRate: rate('slow-rate'),
      slowMs: numberOption(values, 'slow-ms', 0, [0, 1e7]),
      malformedRate: rate('malformed-rate'),
    },
    ...(values['api-key'] !== undefined && { apiKey: values['api-key'] }),
    log,
  });
}
