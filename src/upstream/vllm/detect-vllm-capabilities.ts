/**
 * What a vLLM server is and which of its version-dependent behaviours apply, from `GET /version`,
 * `GET /v1/models` and (optionally) a dry `POST /pooling`, for the startup log and for choosing
 * launch advice. Version facts: docs/upstream-apis.md (vLLM), docs/upstream-apis.md (PRM readouts).
 *
 * | From   | Change                                                                             |
 * |--------|------------------------------------------------------------------------------------|
 * | 0.10.0 | `--task reward` → `--runner pooling` (+ `--convert reward`), PR #21470            |
 * | 0.10.1 | error body `{"object":"error",…}` (flat) → `{"error":{…}}` (nested), PR #22099     |
 * | 0.10.2 | `return_token_ids` on /v1/completions (`choices[i].prompt_token_ids`), PR #22587   |
 * | 0.11   | `--override-pooler-config` → `--pooler-config` (old flag removed in 0.12);        |
 * |        | token pooling task `encode` → `token_classify`                                     |
 *
 * The upstream client already reads both error shapes; the flags matter for the PRM launch line
 * and for telling a user why a reward model's scores are missing.
 */
import { UpstreamError } from '../../errors';
import type { UpstreamClient } from '../transport/upstream-client';
import { modelsResponseSchema, versionResponseSchema } from './vllm-wire';

export interface VllmVersion {
  major: number;
  minor: number;
  patch: number;
}

export interface VllmCapabilities {
  /** `/version` as reported (null when the server has no such route). */
  version: string | null;
  parsedVersion: VllmVersion | null;
  isSimulated: boolean;
  models: { id: string; maxModelLen: number | null }[];
  /** `nested` `{"error":{…}}` from 0.10.1, `flat` `{"object":"error",…}` before. */
  errorShape: 'nested' | 'flat' | 'unknown';
  /** How a reward model is launched: `--task reward` before 0.10.0, `--runner pooling` after. */
  poolingLaunch: 'task-reward' | 'runner-pooling' | 'unknown';
  /** Flag carrying a STEP pooler config (Math-Shepherd). */
  poolerConfigFlag: '--override-pooler-config' | '--pooler-config' | 'unknown';
  /** Pooling task of token-level (PRM) outputs. */
  tokenPoolingTask: 'encode' | 'token_classify' | 'unknown';
  /**
   * Whether `/v1/completions` answers `return_token_ids` with each prompt's ids (from 0.10.2), so
   * the prompt-logprobs PRM readout needs no `/tokenize` per path.
   */
  returnTokenIds: 'yes' | 'no' | 'unknown';
  /**
   * Whether the `/pooling` route exists (a dry request is answered 400/422, not 404). Older
   * servers register it for every model, so `present` does not prove the model is a pooling model.
   * `unknown` when not probed or the probe failed.
   */
  poolingRoute: 'present' | 'absent' | 'unknown';
  /** One line for the startup log. */
  description: string;
}

export interface DetectVllmCapabilitiesOptions {
  /** Send a dry `POST /pooling` (no GPU work: the body fails validation). Default false. */
  probePooling?: boolean;
  signal?: AbortSignal;
}

/** Parse `0.10.1.1`, `v0.8.5`, `0.11.0rc1`, `0.6.4.post1+cu124`, `0.11.1.dev42+gabc`. */
export function parseVllmVersion(version: string): VllmVersion | null {
  const match = /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(version.trim());
  if (!match) return null;
  return { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3] ?? 0) };
}

function atLeast(version: VllmVersion, major: number, minor: number, patch = 0): boolean {
  if (version.major !== major) return version.major > major;
  if (version.minor !== minor) return version.minor > minor;
  return version.patch >= patch;
}

/** How long the start-up probe of `/pooling` waits (an empty request: the server answers at once). */
const PROBE_TIMEOUT_MS = 10_000;

async function probePoolingRoute(
  client: UpstreamClient,
): Promise<VllmCapabilities['poolingRoute']> {
  // A probe, not a call: its expected 400 is no upstream error in the metrics.
  const status = await client.probe('/pooling', PROBE_TIMEOUT_MS, {});
  if (status === null) return 'unknown';
  if (status === 404 || status === 405) return 'absent';
  return status < 300 || status === 400 || status === 422 ? 'present' : 'unknown';
}

export async function detectVllmCapabilities(
  client: UpstreamClient,
  options: DetectVllmCapabilitiesOptions = {},
): Promise<VllmCapabilities> {
  let version: string | null = null;
  try {
    const parsed = versionResponseSchema.safeParse(
      await client.getJson('/version', options.signal),
    );
    if (parsed.success) version = parsed.data.version;
  } catch (error) {
    // /version is optional; anything but an HTTP answer (unreachable) is the caller's to see.
    if (!(error instanceof UpstreamError) || error.status === null) throw error;
  }
  const listed = modelsResponseSchema.safeParse(await client.getJson('/v1/models', options.signal));
  const models = listed.success
    ? listed.data.data.map((model) => ({ id: model.id, maxModelLen: model.max_model_len ?? null }))
    : [];
  const isSimulated =
    (version ?? '').includes('sim') ||
    (listed.success &&
      listed.data.data.some((model) => (model.owned_by ?? '').includes('simulator')));
  const parsedVersion = version === null ? null : parseVllmVersion(version);
  const poolingRoute = options.probePooling === true ? await probePoolingRoute(client) : 'unknown';

  const known = parsedVersion !== null && !isSimulated;
  const capabilities: Omit<VllmCapabilities, 'description'> = {
    version,
    parsedVersion,
    isSimulated,
    models,
    errorShape: known ? (atLeast(parsedVersion, 0, 10, 1) ? 'nested' : 'flat') : 'unknown',
    poolingLaunch: known
      ? atLeast(parsedVersion, 0, 10, 0)
        ? 'runner-pooling'
        : 'task-reward'
      : 'unknown',
    poolerConfigFlag: known
      ? atLeast(parsedVersion, 0, 11, 0)
        ? '--pooler-config'
        : '--override-pooler-config'
      : 'unknown',
    tokenPoolingTask: known
      ? atLeast(parsedVersion, 0, 11, 0)
        ? 'token_classify'
        : 'encode'
      : 'unknown',
    returnTokenIds: known ? (atLeast(parsedVersion, 0, 10, 2) ? 'yes' : 'no') : 'unknown',
    poolingRoute,
  };
  return { ...capabilities, description: describeVllmCapabilities(capabilities) };
}

/** The one-line startup summary. */
export function describeVllmCapabilities(
  capabilities: Omit<VllmCapabilities, 'description'>,
): string {
  const models =
    capabilities.models
      .map((model) =>
        model.maxModelLen === null ? model.id : `${model.id} (max_model_len ${model.maxModelLen})`,
      )
      .join(', ') || 'none listed';
  if (capabilities.isSimulated)
    return (
      `simulated vLLM-compatible server ${capabilities.version ?? ''}`.trim() +
      `; models: ${models}`
    );
  if (capabilities.parsedVersion === null) {
    return `vLLM-compatible server of unknown version (${capabilities.version ?? 'no /version'}): both error shapes accepted; models: ${models}`;
  }
  const launch =
    capabilities.poolingLaunch === 'runner-pooling' ? '--runner pooling' : '--task reward';
  const parts = [
    `vLLM ${capabilities.version}`,
    `${capabilities.errorShape} error bodies`,
    `PRM launch ${launch} with ${capabilities.poolerConfigFlag}`,
    `token pooling task '${capabilities.tokenPoolingTask}'`,
  ];
  if (capabilities.poolingRoute !== 'unknown') parts.push(`/pooling ${capabilities.poolingRoute}`);
  return `${parts.join(', ')}; models: ${models}`;
}
