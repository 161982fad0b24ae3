/**
 * Resolve what a request asks for — method, N, M, aggregation, vote — from its four sources with
 * the documented precedence: header > body > model alias > config default. The request arrives
 * validated (server/parse-tts-request.ts); what is refused here depends on the model and limits.
 */
import { InvalidRequestError, UnsupportedFeatureError } from '../errors';
import { STRATEGY_NAMES, type StrategyName, type VoteName } from '../select';
import { METHOD_TRAITS } from '../tts';
import type { Aggregation, MethodName } from '../tts/search-types';
import type { ModelInfo } from '../contracts';
import type { TtsRequestPart, TtsRequestSources } from './tts-request';

export { STRATEGY_NAMES, type StrategyName };

export interface TtsDefaults {
  defaultStrategy: StrategyName;
  defaultBudget: number;
  maxBudget: number;
  defaultM: number;
  /** Search deadline when the request gives none, and the largest a request may ask for. */
  defaultTimeoutMs: number;
  maxTimeoutMs: number;
}

export interface TtsPlan {
  /** 'auto' (with `auto` set) when a probe and the strategy table decide it per request. */
  method: MethodName | 'auto';
  n: number;
  m: number;
  aggregation: Aggregation;
  vote: VoteName;
  /** Strategy as asked ('auto' when chosen automatically). */
  requested: StrategyName;
  reason: string;
  /** Which source decided each knob, for the metadata. */
  sources: Record<string, 'header' | 'body' | 'alias' | 'model-default' | 'default' | 'auto'>;
  /**
   * Set when the method is decided per request by a probe and the strategy table (`autoSearch`):
   * `overrides` holds what the request pinned explicitly (it wins over the table's row).
   */
  auto: { overrides: Partial<Pick<TtsPlan, 'm' | 'aggregation' | 'vote'>> } | null;
}

type Source = 'header' | 'body' | 'alias' | 'model-default';

/**
 * `x-tts-ab` forces an arm for client-side A/B: 'cot' = the baseline, 'tts' = search even if the
 * request asked for nothing (config defaults apply).
 */
function withForcedArm(request: TtsRequestSources): TtsRequestSources {
  const { forcedArm = null } = request;
  if (forcedArm === 'cot')
    return { ...request, header: { ...(request.header ?? {}), strategy: 'cot' } };
  const asksNothing = request.header === null && request.body === null && request.alias === null;
  if (forcedArm === 'tts' && asksNothing) return { ...request, header: {} };
  return request;
}

/**
 * Merge the sources and decide the plan. Returns null when the request asks for no TTS at all
 * (then it is forwarded unchanged to the policy upstream).
 */
export function resolveTtsPlan(
  request: TtsRequestSources,
  model: ModelInfo,
  defaults: TtsDefaults,
  /** The calling API key's own maximum budget (below the server's), or null. */
  keyMaxBudget: number | null = null,
): TtsPlan | null {
  const parts = withForcedArm(request);
  const ordered: [Source, TtsRequestPart | null][] = [
    ['header', parts.header],
    ['body', parts.body],
    ['alias', parts.alias],
    ['model-default', parts.modelDefault ?? null],
  ];
  if (ordered.every(([, part]) => part === null)) return null;
  const sources: TtsPlan['sources'] = {};
  function pick<K extends keyof TtsRequestPart>(key: K): TtsRequestPart[K] {
    for (const [source, part] of ordered) {
      const value = part?.[key];
      if (value !== undefined) {
        sources[key] = source;
        return value;
      }
    }
    return undefined;
  }
  let pickedN = pick('n');
  // A model's default budget, like the config default, is fitted to the key's limit, not refused.
  if (sources.n === 'model-default' && pickedN !== undefined && keyMaxBudget !== null)
    pickedN = Math.min(pickedN, keyMaxBudget);
  const pickedStrategy = pick('strategy');
  const pickedM = pick('m');
  const pickedAggregation = pick('aggregation');
  const pickedVote = pick('vote');

  if (pickedN !== undefined) {
    const param =
      sources.n === 'header' ? 'x-tts-budget' : sources.n === 'alias' ? 'model' : 'tts_budget';
    if (pickedN > defaults.maxBudget) {
      throw new InvalidRequestError(
        `tts_budget ${pickedN} is above this server's maximum of ${defaults.maxBudget}.`,
        param,
        'budget_too_large',
      );
    }
    if (keyMaxBudget !== null && pickedN > keyMaxBudget) {
      throw new InvalidRequestError(
        `tts_budget ${pickedN} is above this API key's maximum of ${keyMaxBudget}.`,
        param,
        'budget_above_key_limit',
      );
    }
  }
  const requested: StrategyName = pickedStrategy ?? defaults.defaultStrategy;
  if (pickedStrategy === undefined) sources.strategy = 'default';
  // A default the client did not ask for is fitted to the key's limit rather than refused.
  const isLoweredByKey =
    pickedN === undefined && keyMaxBudget !== null && keyMaxBudget < defaults.defaultBudget;
  let n = pickedN ?? Math.min(defaults.defaultBudget, keyMaxBudget ?? Infinity);
  if (pickedN === undefined) sources.n = 'default';
  let m = pickedM ?? defaults.defaultM;
  if (pickedM === undefined) sources.m = 'default';

  // Budget 0 or 1 (or an explicit cot) is the plain-CoT A/B baseline.
  if (n <= 1 || requested === 'cot') {
    return {
      method: 'cot',
      n: 1,
      m: 1,
      aggregation: pickedAggregation ?? 'last',
      vote: 'majority',
      requested: requested === 'auto' ? 'auto' : requested,
      reason:
        requested === 'cot'
          ? 'plain CoT requested'
          : `budget ${n} means plain CoT (the A/B baseline)`,
      sources,
      auto: null,
    };
  }

  if (requested === 'auto') {
    // The row depends on the difficulty, known only after the probe: `autoSearch` decides it
    // (select/auto-search.ts), and nothing here guesses. m, aggregation and vote are what the
    // request pinned, else the model's defaults: they vote a run whose deadline cuts the probe
    // before auto has decided.
    sources.strategy = 'auto';
    if (pickedAggregation === undefined) sources.aggregation = 'auto';
    if (pickedVote === undefined) sources.vote = 'auto';
    if (pickedM === undefined) sources.m = 'auto';
    const overrides: Partial<Pick<TtsPlan, 'm' | 'aggregation' | 'vote'>> = {};
    if (pickedM !== undefined) overrides.m = pickedM;
    if (pickedAggregation !== undefined) overrides.aggregation = pickedAggregation;
    if (pickedVote !== undefined) overrides.vote = pickedVote;
    return {
      method: 'auto',
      n,
      m,
      aggregation: pickedAggregation ?? model.prm?.aggregation ?? 'last',
      vote: model.prm === null ? 'majority' : (pickedVote ?? model.prm.vote),
      requested,
      reason: `auto: decided per request from a probe and the strategy table '${model.auto.table.name}'`,
      sources,
      auto: { overrides },
    };
  }

  // Only a fixed method is left here: auto returned above.
  const method: MethodName = requested;
  const refusal = model.unsupportedMethods?.[method];
  if (refusal !== undefined) throw new UnsupportedFeatureError(refusal, 'tts_strategy');
  const needsPrm = METHOD_TRAITS[method].needsVerifier;
  if (needsPrm && model.prm === null) {
    throw new UnsupportedFeatureError(
      `Model '${model.name}' has no PRM configured, so '${method}' cannot run; use tts_strategy 'majority' or 'cot', or configure a prm for it.`,
      'tts_strategy',
    );
  }
  if (METHOD_TRAITS[method].isStepWise) {
    if (isLoweredByKey && n >= m) n -= n % m;
    if (isLoweredByKey && n < m) {
      throw new InvalidRequestError(
        `This API key's maximum tts_budget of ${n} is below the beam width m=${m} that ${method} needs.`,
        'tts_budget',
        'budget_above_key_limit',
      );
    }
    if (n < m || n % m !== 0) {
      throw new InvalidRequestError(
        `tts_budget ${n} must be a positive multiple of the beam width m=${m} for ${method}.`,
        'tts_budget',
        'budget_not_multiple_of_m',
      );
    }
  } else {
    m = 1;
  }
  const prmDefaults = model.prm;
  const aggregation = pickedAggregation ?? prmDefaults?.aggregation ?? 'last';
  if (pickedAggregation === undefined) sources.aggregation = 'default';
  let vote: VoteName = pickedVote ?? prmDefaults?.vote ?? 'majority';
  if (pickedVote === undefined) sources.vote = 'default';
  if (method === 'majority') vote = 'majority';
  const reason = `strategy '${requested}' requested`;
  return { method, n, m, aggregation, vote, requested, reason, sources, auto: null };
}

/** The search deadline: the request's `tts_timeout_ms` within the server's maximum, or the default. */
export function resolveTimeout(requestedMs: number | null, defaults: TtsDefaults): number {
  if (requestedMs === null) return defaults.defaultTimeoutMs;
  if (requestedMs > defaults.maxTimeoutMs) {
    throw new InvalidRequestError(
      `tts_timeout_ms ${requestedMs} is above this server's maximum of ${defaults.maxTimeoutMs}.`,
      'tts_timeout_ms',
    );
  }
  return requestedMs;
}
