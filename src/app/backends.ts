/**
 * The PRM verifier of each configured PRM and the model backend of each configured model, over
 * the upstream clients: what the pipeline solves requests with.
 */
import type { Logger } from 'pino';
import type { Config, ModelConfig, UpstreamConfig } from '../config';
import type {
  AutoSettings,
  ChatForwarder,
  CreatePolicyOptions,
  ModelBackend,
  ModelInfo,
  PolicyMessage,
  PrmInfo,
  SamplingPreset,
} from '../contracts';
import { ConfigError, UpstreamError } from '../errors';
import { configurePrmFamily, type ConfiguredPrmFamily } from '../prm';
import { buildPolicyMessages, getPolicyPreset } from '../prompt';
import type { Verifier } from '../tts';
import {
  BACKEND_CAPABILITIES,
  FASTCHAT_PRM_FAMILIES,
  checkPrmChatTemplate,
  checkPrmJoinedTokenize,
  checkPrmSpecialTokens,
  checkPromptRoundTrip,
  checkSkyworkInput,
  createFastchatPrmVerifier,
  createPrmCache,
  createPrmVerifier,
  createStackModelBackend,
  createVllmModelBackend,
  isFastchatPrmFamily,
  isMissingTokenizeRoute,
  unsupportedMethodReasons,
  type VllmCapabilities,
} from '../upstream';
import { answerInstruction, scopeSettings } from './model-scope';
import type { UpstreamClients } from './upstream-clients';

/** The maximum depth of step-wise search (paper: 40 steps). */
const MAX_DEPTH = 40;

export interface ConfiguredPrm {
  verifier: Verifier;
  info: PrmInfo;
}

function samplingPreset(model: ModelConfig): SamplingPreset {
  const preset = getPolicyPreset(model.family).sampling;
  return {
    temperature: preset.temperature,
    topP: preset.topP,
    cotTemperature: preset.cotTemperature,
    cotTopP: preset.cotTopP,
    maxTokensPerStep: preset.maxTokensPerStep,
    maxTotalTokens: preset.maxTokensPerSolution,
    maxDepth: MAX_DEPTH,
  };
}

/** One verifier per configured PRM; a PRM whose tokenizer disagrees with its family is fatal. */
export async function createVerifiers(
  config: Config,
  upstreams: UpstreamClients,
  logger: Logger,
  detected: ReadonlyMap<string, VllmCapabilities> = new Map(),
): Promise<Map<string, ConfiguredPrm>> {
  const prmCache = createPrmCache(config.tts.prm_cache_entries);
  const verifiers = new Map<string, ConfiguredPrm>();
  for (const [index, prm] of config.prms.entries()) {
    let configured: ConfiguredPrmFamily;
    try {
      configured = configurePrmFamily(prm.family, prm.readout);
    } catch (error) {
      throw new ConfigError(`prms.${index}.readout`, (error as Error).message);
    }
    const family = configured.family;
    const prmClient = upstreams.client(prm.upstream);
    const kind = upstreams.kindOf(prm.upstream);
    if (!BACKEND_CAPABILITIES[kind].prm)
      throw new ConfigError(
        `prms.${index}.upstream`,
        `a ${kind} upstream cannot serve a PRM; use a vllm or fastchat upstream`,
      );
    let verifier: Verifier;
    if (kind === 'fastchat') {
      if (!isFastchatPrmFamily(prm.family))
        throw new ConfigError(
          `prms.${index}.family`,
          `FastChat reward workers are supported for ${FASTCHAT_PRM_FAMILIES.join(', ')}`,
        );
      // The worker has no /tokenize, so there is no special-token check to run.
      verifier = createFastchatPrmVerifier({ client: prmClient, family: prm.family });
    } else {
      // Unchecked (no /tokenize, unreachable): joined answers are still checked as they split.
      let joinTokenize = true;
      try {
        await checkPrmSpecialTokens(prmClient, prm.served_name, family, `prms.${index}.family`);
        await checkPrmChatTemplate(prmClient, prm.served_name, family, `prms.${index}.family`);
        const skywork = await checkSkyworkInput(
          prmClient,
          prm.served_name,
          family,
          `prms.${index}.family`,
        );
        for (const warning of skywork.warnings) logger.warn({ prm: prm.name }, warning);
        const join = await checkPrmJoinedTokenize(prmClient, prm.served_name, family);
        joinTokenize = join.joins;
        if (join.warning !== null) logger.warn({ prm: prm.name }, join.warning);
      } catch (error) {
        if (error instanceof ConfigError) throw error;
        logger.warn(
          { prm: prm.name, err: (error as Error).message },
          isMissingTokenizeRoute(error)
            ? 'the PRM server has no /tokenize: its special tokens and input ids were not checked'
            : 'could not verify PRM special tokens (upstream unreachable); will verify on first use',
        );
      }
      verifier = createPrmVerifier({
        client: prmClient,
        servedName: prm.served_name,
        family,
        maxInputTokens: prm.max_input_tokens,
        cache: prmCache,
        route: configured.readout === 'embeddings' ? 'embeddings' : 'pooling',
        // Not sent to a vLLM known to predate it (it would log the unknown field on every call).
        returnTokenIds: detected.get(prm.upstream)?.returnTokenIds !== 'no',
        joinTokenize,
        // One batcher per PRM (made by the verifier) when tts.prm_batch_window_ms > 0.
        batch: {
          windowMs: config.tts.prm_batch_window_ms,
          maxPaths: config.tts.prm_batch_max_paths,
        },
      });
    }
    verifiers.set(prm.name, {
      verifier,
      info: {
        name: prm.name,
        family: prm.family,
        paramsB: prm.params_b,
        aggregation: prm.aggregation ?? family.defaults.aggregation,
        vote: prm.vote ?? family.defaults.vote,
      },
    });
  }

  return verifiers;
}

/**
 * Each vLLM model on the completions step API: the rendered prompt must survive `/detokenize`
 * (src/upstream/vllm/check-prompt-round-trip.ts). A server that answers otherwise is fatal, as a
 * PRM tokenizer that disagrees with its family is; one that cannot be reached is checked by no
 * one, with a warning.
 */
export async function checkPolicyPrompts(
  config: Config,
  upstreams: UpstreamClients,
  logger: Logger,
): Promise<void> {
  for (const [index, model] of config.models.entries()) {
    // Only step-wise search (beam search, DVTS: a PRM's) continues the text; the other methods
    // send the rendered ids as they are.
    if (model.step_api !== 'completions' || upstreams.kindOf(model.upstream) !== 'vllm') continue;
    if (model.prm === undefined) continue;
    try {
      await checkPromptRoundTrip(
        upstreams.client(model.upstream),
        model.served_name,
        `models.${index}.step_api`,
      );
    } catch (error) {
      if (error instanceof ConfigError) throw error;
      const isUnreachable = error instanceof UpstreamError && error.status === null;
      logger.warn(
        { model: model.name, err: (error as Error).message },
        isUnreachable
          ? 'could not check that the policy server gives back its rendered prompt (upstream unreachable)'
          : 'could not check that the policy server gives back its rendered prompt (it refused the probe); step-wise search relies on it',
      );
    }
  }
}

/** One backend per configured model, keyed by its client-facing name. */
export function createModelBackends(
  config: Config,
  upstreams: UpstreamClients,
  verifiers: ReadonlyMap<string, ConfiguredPrm>,
  autoSettings: readonly AutoSettings[],
  detected: ReadonlyMap<string, VllmCapabilities> = new Map(),
): Map<string, ModelBackend & ChatForwarder> {
  const backends = new Map<string, ModelBackend & ChatForwarder>();
  for (const [index, model] of config.models.entries()) {
    const auto = autoSettings[index] as AutoSettings;
    const prm = model.prm ? (verifiers.get(model.prm) ?? null) : null;
    const preset = getPolicyPreset(model.family);
    const kind = upstreams.kindOf(model.upstream);
    const upstreamConfig = config.upstreams[model.upstream] as UpstreamConfig;
    const info: ModelInfo = {
      name: model.name,
      servedName: model.served_name,
      paramsB: model.params_b,
      family: model.family,
      prm: prm?.info ?? null,
      // Ours, or a simulator the start-up detection recognised (`tts-proxy sim` on a URL); one
      // not reachable then is marked when it first answers (`noteLateDetection`).
      isSimulated:
        upstreamConfig.url === 'sim' || detected.get(model.upstream)?.isSimulated === true,
      maxModelLen: statedContext(model, detected.get(model.upstream)),
      sampling: samplingPreset(model),
      unsupportedMethods: unsupportedMethodReasons(kind),
      auto,
      scope: scopeSettings(model),
      listedAliases: model.listed_aliases.map((alias) => `${model.name}@${alias}`),
    };
    const instruction = answerInstruction(model, preset);
    // The instruction is added only when the pipeline says a vote will count the answer.
    const buildMessages = (
      messages: readonly PolicyMessage[],
      options?: CreatePolicyOptions,
    ): PolicyMessage[] =>
      buildPolicyMessages(options?.addAnswerInstruction === false ? null : instruction, messages);
    backends.set(
      model.name,
      kind === 'vllm'
        ? createVllmModelBackend({
            info,
            policyClient: upstreams.client(model.upstream),
            stepApi: model.step_api,
            buildMessages,
            verifier: prm?.verifier ?? null,
            ...(model.max_model_len !== undefined ? { maxModelLen: model.max_model_len } : {}),
          })
        : createStackModelBackend({
            stack: kind,
            info,
            client: upstreams.client(model.upstream),
            chatTemplate: preset.chatTemplate,
            buildMessages,
            verifier: prm?.verifier ?? null,
            maxConcurrency: upstreamConfig.fan_out_concurrency,
            sglangRoute: upstreamConfig.sglang_route,
            openAiChat: {
              nativeN: upstreamConfig.openai_chat.native_n,
              maxTokensField: upstreamConfig.openai_chat.max_tokens_field,
            },
            configPath: `models.${index}`,
            ...(model.max_model_len !== undefined ? { maxModelLen: model.max_model_len } : {}),
          }),
    );
  }

  return backends;
}

/** The context a vLLM upstream states for `model`, at most its config `max_model_len`; else null. */
function statedContext(model: ModelConfig, detected: VllmCapabilities | undefined): number | null {
  const stated = detected?.models.find((listed) => listed.id === model.served_name)?.maxModelLen;
  const configured = model.max_model_len ?? null;
  if (typeof stated !== 'number') return configured;
  return configured === null ? stated : Math.min(stated, configured);
}

/**
 * A vLLM upstream detected after the start (late-detection.ts): the answers of its models say
 * from now on whether it is a simulator, and /v1/models its context.
 */
export function noteLateDetection(
  config: Config,
  backends: ReadonlyMap<string, ModelBackend>,
  upstream: string,
  found: VllmCapabilities,
): void {
  for (const model of config.models) {
    const backend = model.upstream === upstream ? backends.get(model.name) : undefined;
    if (backend === undefined) continue;
    backend.info.isSimulated = config.upstreams[upstream]?.url === 'sim' || found.isSimulated;
    backend.info.maxModelLen = statedContext(model, found);
  }
}
