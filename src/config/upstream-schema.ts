/**
 * One `upstreams.<name>` entry of the config: a real server (or a pool of replicas) or the
 * embedded simulator with its latency and fault knobs. Part of `configSchema` (schema.ts).
 */
import { z } from 'zod';
import { STACK_KINDS as UPSTREAM_KINDS } from '../upstream/stack-kinds';

const positiveInt = z.number().int().positive();

const simLatency = z.strictObject({
  per_call_ms: z.number().min(0).default(0),
  prefill_ms_per_token: z.number().min(0).default(0),
  decode_ms_per_token: z.number().min(0).default(0),
});

const simFaults = z.strictObject({
  error_rate: z.number().min(0).max(1).default(0),
  timeout_rate: z.number().min(0).max(1).default(0),
  slow_rate: z.number().min(0).max(1).default(0),
  slow_ms: z.number().min(0).default(0),
  malformed_rate: z.number().min(0).max(1).default(0),
});

const httpUrl = z.url({ protocol: /^https?$/ });

/** How a `replicas` pool balances and ejects (src/upstream/transport/replica-pool.ts). */
const replicaPool = z.strictObject({
  /** Every replica's health route is probed this often; an ejected replica returns on a healthy probe. */
  health_interval_ms: positiveInt.default(5_000),
  /** Consecutive failed calls or probes (connect errors, timeouts, 5xx) that eject a replica. */
  eject_after_failures: positiveInt.default(3),
  /**
   * Bounded-load affinity: a search's replica keeps its calls while its in-flight count stays
   * within this factor of the least busy replica's (+1); beyond it calls go to the least busy.
   */
  balance_factor: z.number().min(1).max(100).default(2),
});

export const upstreamSchema = z
  .strictObject({
    /** Base URL of a vLLM server, or "sim" for the embedded simulator on a loopback port. */
    url: z.union([z.literal('sim'), httpUrl]).optional(),
    /** Several servers of the same model, balanced as one upstream (instead of `url`). */
    replicas: z.array(httpUrl).min(1).optional(),
    /** Balancing and ejection of `replicas` (or of `sim.replicas` simulators). */
    pool: replicaPool.default({
      health_interval_ms: 5_000,
      eject_after_failures: 3,
      balance_factor: 2,
    }),
    /** Append every exchange with this upstream to a JSONL file (relative paths: to the config file). */
    record: z.string().min(1).optional(),
    /** Serve this upstream from a `record` file instead of `url`/`replicas` (no server is contacted). */
    replay: z.string().min(1).optional(),
    /** Which serving stack speaks at `url` (one small backend file per stack). */
    kind: z.enum(UPSTREAM_KINDS).default('vllm'),
    /** Parallel requests per call for stacks without `n > 1` (llama.cpp, TGI, FastChat, some chat APIs). */
    fan_out_concurrency: positiveInt.default(8),
    sglang_route: z.enum(['generate', 'completions']).default('generate'),
    openai_chat: z
      .strictObject({
        native_n: z.union([z.boolean(), z.literal('auto')]).default('auto'),
        max_tokens_field: z.enum(['max_tokens', 'max_completion_tokens']).default('max_tokens'),
      })
      .default({ native_n: 'auto', max_tokens_field: 'max_tokens' }),
    /** Name of the env var holding the upstream API key (the key itself never sits in the file). */
    api_key_env: z.string().min(1).optional(),
    timeout_ms: positiveInt.default(300_000),
    max_connections: positiveInt.default(64),
    retries: z.number().int().min(0).max(10).default(2),
    /** Only for url "sim": how the simulated server behaves. */
    sim: z
      .strictObject({
        /** PRM base quality 0..1; left out, the PRM family's default (docs/simulated-world.md). */
        quality: z.number().min(0).max(1).optional(),
        seed: z.number().int().default(1234),
        latency: simLatency.default({
          per_call_ms: 0,
          prefill_ms_per_token: 0,
          decode_ms_per_token: 0,
        }),
        faults: simFaults.default({
          error_rate: 0,
          timeout_rate: 0,
          slow_rate: 0,
          slow_ms: 0,
          malformed_rate: 0,
        }),
        /** Simulator instances behind one pool (same seed, so any replica gives the same answers). */
        replicas: positiveInt.max(16).default(1),
        /** The simulated model's context (vLLM `--max-model-len`); omitted = the family's own. */
        max_model_len: positiveInt.optional(),
      })
      .default({
        seed: 1234,
        latency: { per_call_ms: 0, prefill_ms_per_token: 0, decode_ms_per_token: 0 },
        faults: { error_rate: 0, timeout_rate: 0, slow_rate: 0, slow_ms: 0, malformed_rate: 0 },
        replicas: 1,
      }),
  })
  .superRefine((value, context) => {
    // `replay` stands in for the servers, so it may sit beside url/replicas (one env var flips a
    // recorded config to its replay); url and replicas are two spellings of where the servers are.
    if (value.url !== undefined && value.replicas !== undefined) {
      context.addIssue({
        code: 'custom',
        path: ['replicas'],
        message: 'set either url (one server) or replicas (a pool), not both',
      });
    }
    if (value.url === undefined && value.replicas === undefined && value.replay === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['url'],
        message: "required: a server URL, 'sim', or replicas: [URL, ...] (or replay: FILE.jsonl)",
      });
    }
    if (value.record !== undefined && value.replay !== undefined) {
      context.addIssue({
        code: 'custom',
        path: ['record'],
        message: 'a replayed upstream has nothing new to record: set record or replay, not both',
      });
    }
    if (value.url === 'sim' && value.kind !== 'vllm') {
      context.addIssue({
        code: 'custom',
        path: ['kind'],
        message: "a 'sim' upstream speaks vLLM's API: kind must be vllm",
      });
    }
    if (value.sim.replicas > 1 && value.url !== 'sim') {
      context.addIssue({
        code: 'custom',
        path: ['sim', 'replicas'],
        message: "starts simulators: only for url 'sim' (list real servers in replicas)",
      });
    }
  });
