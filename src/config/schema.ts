/**
 * The configuration schema (one YAML file, see config/default.yaml). zod validates it and names
 * the bad field; the `Config` type is inferred from it so code and docs cannot drift.
 */
import { z } from 'zod';
import { VOTE_METHODS } from '../answer/vote';
import { PRM_FAMILY_NAMES as PRM_FAMILIES, PRM_READOUTS } from '../prm/prm-family';
import { POLICY_FAMILY_NAMES as POLICY_FAMILIES } from '../prompt/policy-presets';
import { STRATEGY_NAMES as STRATEGIES } from '../select/select-types';
import { AGGREGATIONS } from '../tts/search-types';
import { upstreamSchema as upstream } from './upstream-schema';
import { STACK_KINDS as UPSTREAM_KINDS } from '../upstream/stack-kinds';

// Every list is defined once, by the folder that owns the concept.
export { STRATEGIES, POLICY_FAMILIES, PRM_FAMILIES, UPSTREAM_KINDS };
const positiveInt = z.number().int().positive();
const aggregation = z.enum(AGGREGATIONS);
const vote = z.enum(VOTE_METHODS);

const model = z.strictObject({
  /** What clients send as `model`. */
  name: z.string().min(1),
  /** Key of `upstreams`. */
  upstream: z.string().min(1),
  /** The model id the upstream serves (vLLM `--served-model-name`). */
  served_name: z.string().min(1),
  /** Parameter count in billions, for FLOPs and strategy selection. */
  params_b: z.number().positive(),
  family: z.enum(POLICY_FAMILIES),
  /** Name of the PRM (in `prms`) that scores this policy; omitted = no PRM (cot/majority only). */
  prm: z.string().min(1).optional(),
  /**
   * How steps are generated: `completions` renders the chat prompt once (upstream /tokenize +
   * /detokenize) and continues byte-stable prefixes on /v1/completions (prefix-cache friendly);
   * `chat-continue` uses /v1/chat/completions with continue_final_message.
   */
  step_api: z.enum(['completions', 'chat-continue']).default('completions'),
  /** Strategy table for `auto` on this model (e.g. a calibrated one); omitted = tts.strategy_table. */
  strategy_table: z.string().min(1).optional(),
  /**
   * Budget N for requests to this model that ask for none (no tts_budget, header or alias);
   * omitted = such requests pass through. Scope rules: docs/request-scope.md.
   */
  default_budget: positiveInt.optional(),
  /**
   * Chat aliases `/v1/models` lists beside the model, written as after its '@' (`best_of_n:16`,
   * `beam_search:64`, `32`): chat UIs offer only the models the list holds (docs/configuration.md).
   */
  listed_aliases: z
    .array(
      z
        .string()
        .regex(
          new RegExp(`^(?:\\d+|(?:${STRATEGIES.join('|')})(?::\\d+)?)$`),
          `an alias as after '@': a budget (32), a strategy (${STRATEGIES.join(', ')}) or both (best_of_n:16)`,
        ),
    )
    .max(32)
    .default([]),
  /** Whether `default_budget` also covers requests that do not look like single-answer problems. */
  default_budget_scope: z.enum(['single-answer', 'all']).default('single-answer'),
  /**
   * The answer-format instruction added to the client's own instructions under TTS: `when`
   * single-answer (default: requests that look like single-answer problems), always or never;
   * `text` and `placement` default to the family preset's.
   */
  answer_instruction: z
    .strictObject({
      when: z.enum(['single-answer', 'always', 'never']).default('single-answer'),
      text: z.string().min(1).optional(),
      placement: z.enum(['system-message', 'user-suffix']).optional(),
    })
    .default({ when: 'single-answer' }),
  /**
   * Split `<think>…</think>` into `reasoning_content` as vLLM's `--reasoning-parser deepseek_r1`;
   * omitted = `deepseek_r1` for the deepseek-r1-distill family, none otherwise.
   */
  reasoning_parser: z.enum(['deepseek_r1', 'none']).optional(),
  /**
   * Context (prompt + answer tokens) to plan requests with, when it is below what the server
   * reports or the server reports none (TGI, SGLang, hosted APIs). vLLM reports its own.
   */
  max_model_len: positiveInt.optional(),
});

const prm = z.strictObject({
  name: z.string().min(1),
  upstream: z.string().min(1),
  served_name: z.string().min(1),
  family: z.enum(PRM_FAMILIES),
  params_b: z.number().positive(),
  /** PRM context; longer inputs are cut from the left (reference code behaviour). */
  max_input_tokens: positiveInt.default(4096),
  /**
   * How the server is read: `pooling` (/pooling), `prompt_logprobs` (/v1/completions of a
   * generatively served PRM) or `embeddings` (/v1/embeddings, Skywork's plugin). Omitted = the
   * family's right one (src/prm/configure-family.ts); wrong combinations refuse to start.
   */
  readout: z.enum(PRM_READOUTS).optional(),
  aggregation: aggregation.optional(),
  vote: vote.optional(),
});

/** When sample-based auto runs (BoN / majority) stop drawing samples: see src/select/early-stop.ts. */
const earlyStop = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('none') }),
  z.strictObject({ kind: z.literal('decided') }),
  z.strictObject({
    kind: z.literal('beta'),
    confidence: z.number().gt(0.5).lt(1).default(0.95),
    min_samples: positiveInt.default(4),
  }),
  z.strictObject({
    kind: z.literal('supermajority'),
    share: z.number().gt(0.5).max(1).default(0.8),
    min_samples: positiveInt.default(4),
  }),
]);

const tts = z.strictObject({
  /** Strategy when a request gives a budget but no strategy. */
  default_strategy: z.enum(STRATEGIES).default('auto'),
  /** Largest N a request may ask for (400 above). */
  /** Budget used when a request names a strategy but no N. */
  default_budget: positiveInt.default(16),
  max_budget: positiveInt.default(256),
  default_m: positiveInt.default(4),
  /** Wall-clock deadline of one search (tts_timeout_ms overrides, up to max_timeout_ms). */
  // Below the 300 s that Node's fetch (undici `headersTimeout`) waits for a non-streamed answer's
  // headers: at 300 s the client left just as the deadline's answer was ready, and retried
  // (docs/reliability.md#client-timeouts).
  default_timeout_ms: positiveInt.default(240_000),
  max_timeout_ms: positiveInt.default(900_000),
  /** SSE keep-alive comment interval while a search runs. */
  keepalive_ms: positiveInt.default(10_000),
  /** Entries in the PRM prefix-score cache. */
  prm_cache_entries: z.number().int().min(0).default(10_000),
  /** The table `auto` looks strategies up in (relative to this config file); omitted = the bundled config/strategy.yaml. */
  strategy_table: z.string().min(1).optional(),
  /** Early stopping of auto's sample-based votes (BoN / majority). */
  early_stop: earlyStop.default({ kind: 'beta', confidence: 0.95, min_samples: 4 }),
  /** Growth of auto's sample batches between early-stop checks (2 = the total doubles). */
  sample_batch_growth: z.number().gt(1).max(16).default(2),
  /** Wait up to this long to merge concurrent requests' /pooling calls into one (0 = off). */
  prm_batch_window_ms: z.number().min(0).max(1000).default(0),
  /**
   * Most paths in one merged /pooling call; at most vLLM's default `VLLM_MAX_COMPLETION_PROMPTS`
   * (1024), which later builds apply to the pooling routes too (docs/upstream-apis.md).
   */
  prm_batch_max_paths: positiveInt.max(1024).default(256),
});

const ab = z.strictObject({
  /** Fraction of TTS requests that also run the baseline arm in the background. */
  shadow_rate: z.number().min(0).max(1).default(0),
  arm: z.literal('cot').default('cot'),
  /** Shadow runs at once; more samples are skipped so shadow traffic stays bounded. */
  max_concurrent: z.number().int().min(1).default(4),
});

export const configSchema = z.strictObject({
  server: z
    .strictObject({
      host: z.string().default('0.0.0.0'),
      port: z.number().int().min(0).max(65535).default(8080),
      body_limit_bytes: positiveInt.default(1_048_576),
      /** Env var names holding accepted client API keys; empty = no auth. */
      api_key_envs: z.array(z.string().min(1)).default([]),
      /**
       * Origins a browser may call the API from (CORS): `*` (any, vLLM's `--allowed-origins`
       * default) or exact origins (`https://chat.example.com`); empty = no CORS headers.
       */
      cors_allowed_origins: z.array(z.string().min(1)).default(['*']),
      /** Client keys with per-key limits (each key's text in its own env var, named `key_env`). */
      api_keys: z
        .array(
          z.strictObject({
            /** A label in metrics: letters, digits and `_ . : -`. */
            name: z.string().regex(/^[\w.:-]+$/, 'use letters, digits and _ . : - only'),
            key_env: z.string().min(1),
            /** Largest tts_budget this key may ask for (a default above it is lowered to it). */
            max_budget: positiveInt.optional(),
            /** Requests this key may send per minute (bursts up to one minute's worth); beyond: 429. */
            requests_per_minute: positiveInt.optional(),
          }),
        )
        .default([])
        .superRefine((keys, context) => {
          const seen = new Set<string>();
          keys.forEach((key, index) => {
            if (seen.has(key.name))
              context.addIssue({
                code: 'custom',
                path: [index, 'name'],
                message: `duplicate key name '${key.name}'`,
              });
            seen.add(key.name);
          });
        }),
      log_level: z
        .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
        .default('info'),
      /** `auto`: lines for people when stdout is a terminal, JSON (pino) otherwise. */
      log_format: z.enum(['auto', 'json', 'pretty']).default('auto'),
      /** Chat requests running at once; more wait in a bounded queue, beyond it 429. */
      max_concurrent_requests: positiveInt.default(256),
      max_queued_requests: z.number().int().min(0).default(1024),
      queue_timeout_ms: positiveInt.default(30_000),
      /** A client must send its request headers within this (node's headersTimeout). */
      headers_timeout_ms: positiveInt.default(20_000),
      /** A request body must arrive completely within this (408 after). */
      body_timeout_ms: positiveInt.default(30_000),
      /** No gap between body chunks may be longer than this (408 after). */
      body_idle_timeout_ms: positiveInt.default(10_000),
      /** Deepest nesting of objects/arrays in a request's JSON (400 beyond). */
      max_json_depth: z.number().int().min(8).max(1000).default(128),
      /** Request bodies being received at once, and their bytes; beyond either: 429. */
      max_buffered_bodies: positiveInt.default(1024),
      // 192 MiB: bodies count as received, decompressed and parsed (read-json-body.ts), about 3x
      // their size for ordinary chat JSON; the bound admits what 64 MiB of raw bytes did before.
      max_buffered_body_bytes: positiveInt.default(201_326_592),
      /** /v1 routes forwarded to the policy upstream ("METHOD /v1/path"); omitted = vLLM's OpenAI routes. */
      passthrough_routes: z
        .array(z.string().regex(/^[A-Z]+ \/v1\/[\w./-]+$/, 'use "METHOD /v1/path"'))
        .optional(),
      /** With api keys configured, /metrics answers only callers with a valid key. */
      metrics_require_key: z.boolean().default(false),
      /**
       * On SIGTERM, in-flight requests get this long to finish; what is still running then is cut
       * (logged, exit 1). Keep docker/k8s terminationGracePeriodSeconds and compose
       * stop_grace_period above it (test/unit/deploy checks).
       */
      drain_timeout_ms: z.number().int().min(1_000).max(900_000).default(300_000),
      /**
       * A response with bytes waiting for a client that read none of them for this long is cut
       * (it would hold its admission slot and upstream request for good); 0 = never.
       */
      write_stall_timeout_ms: z.number().int().min(0).default(60_000),
    })
    .default({
      host: '0.0.0.0',
      port: 8080,
      body_limit_bytes: 1_048_576,
      api_key_envs: [],
      cors_allowed_origins: ['*'],
      api_keys: [],
      log_level: 'info',
      log_format: 'auto',
      max_concurrent_requests: 256,
      max_queued_requests: 1024,
      queue_timeout_ms: 30_000,
      headers_timeout_ms: 20_000,
      body_timeout_ms: 30_000,
      body_idle_timeout_ms: 10_000,
      max_json_depth: 128,
      max_buffered_bodies: 1024,
      max_buffered_body_bytes: 201_326_592,
      metrics_require_key: false,
      drain_timeout_ms: 300_000,
      write_stall_timeout_ms: 60_000,
    }),
  upstreams: z.record(z.string().min(1), upstream),
  models: z.array(model).min(1),
  prms: z.array(prm).default([]),
  ab: ab.default({ shadow_rate: 0, arm: 'cot', max_concurrent: 4 }),
  tts: tts.default({
    default_strategy: 'auto',
    default_budget: 16,
    max_budget: 256,
    default_m: 4,
    default_timeout_ms: 240_000,
    max_timeout_ms: 900_000,
    keepalive_ms: 10_000,
    prm_cache_entries: 10_000,
    early_stop: { kind: 'beta', confidence: 0.95, min_samples: 4 },
    sample_batch_growth: 2,
    prm_batch_window_ms: 0,
    prm_batch_max_paths: 256,
  }),
});

export type Config = z.infer<typeof configSchema>;
export type UpstreamConfig = Config['upstreams'][string];
export type ModelConfig = Config['models'][number];
export type PrmConfig = Config['prms'][number];
