/**
 * What the pipeline needs from the outside world for one configured model. `upstream/` implements
 * it, the composition root builds it from config, tests build fakes. It lives below both the
 * pipeline and the adapters so that neither depends on the other.
 */
import type { Policy } from '../tts/policy';
import type { Verifier } from '../tts/verifier';
import type { Aggregation, MethodName } from '../tts/search-types';
import type {
  EarlyStopRule,
  PolicyFamily,
  PrmFamilyName,
  StrategyTable,
  VoteName,
} from '../select';

export interface PolicyMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string;
}

export interface PrmInfo {
  name: string;
  family: PrmFamilyName;
  paramsB: number;
  aggregation: Aggregation;
  vote: VoteName;
}

export interface ModelInfo {
  /** Client-facing name. */
  name: string;
  /** Upstream model id. */
  servedName: string;
  paramsB: number;
  family: PolicyFamily;
  prm: PrmInfo | null;
  /** True when the upstream is the embedded simulator (said in /v1/models and metadata). */
  isSimulated: boolean;
  /**
   * The context the upstream states for this model (vLLM's `/v1/models` `max_model_len`, at most
   * config `max_model_len`), when known: /v1/models repeats it, as vLLM's own list does.
   */
  maxModelLen?: number | null;
  /** Sampling defaults of the policy family (paper's code presets). */
  sampling: SamplingPreset;
  /** Methods the serving stack cannot run, each with the reason given in the 400. */
  unsupportedMethods?: Partial<Record<MethodName, string>>;
  /** How `tts_strategy: auto` decides for this model: its strategy table and stopping rule. */
  auto: AutoSettings;
  /** Which requests get TTS without asking (models[].default_budget*; docs/request-scope.md). */
  scope?: ScopeSettings;
  /** Chat aliases `/v1/models` lists beside the model (`name@best_of_n:16`; models[].listed_aliases). */
  listedAliases?: readonly string[];
}

/** Whether a model's default budget covers requests that do not look like single-answer problems. */
export type DefaultBudgetScope = 'single-answer' | 'all';

/** A model's request-scope settings. */
export interface ScopeSettings {
  /** N for requests that ask for no budget; null = they pass through. */
  defaultBudget: number | null;
  defaultBudgetScope: DefaultBudgetScope;
  /** When the answer-format instruction is added to the client's instructions under TTS. */
  answerInstruction: 'single-answer' | 'always' | 'never';
  /** `deepseek_r1`: `<think>…</think>` goes to `reasoning_content`, as vLLM's parser does. */
  reasoningParser: 'deepseek_r1' | null;
}

/** How a policy is bound to one request's conversation. */
export interface CreatePolicyOptions {
  /** Add the model's answer-format instruction to the client's instructions (a vote will count). */
  addAnswerInstruction: boolean;
  /**
   * Whose turns the policy's calls take when the upstream's connections are all busy: the
   * requests of one owner (one API key) share its turns. Absent: the request has turns of its own.
   */
  turnOwner?: object;
}

/** The strategy table and stopping rule `auto` runs with (config tts.* / models[].strategy_table). */
export interface AutoSettings {
  table: StrategyTable;
  earlyStop: EarlyStopRule;
  /** Growth factor of the sample batches between early-stop checks. */
  batchGrowth: number;
  /** M when the table's row leaves it out. */
  defaultM: number;
}

export interface SamplingPreset {
  temperature: number;
  topP: number;
  /** The CoT baseline's sampling (greedy for most families; R1-distill samples at 0.6 / 0.95). */
  cotTemperature: number;
  cotTopP: number;
  maxTokensPerStep: number;
  maxTotalTokens: number;
  maxDepth: number;
}

export interface ModelBackend {
  info: ModelInfo;
  /** Bind a policy to a conversation (renders the chat prompt once). */
  createPolicy(
    messages: readonly PolicyMessage[],
    signal?: AbortSignal,
    options?: CreatePolicyOptions,
  ): Promise<{
    policy: Policy;
    promptTokens: number;
    /**
     * Sampling fields the stack does not take (omitted, so its own values ran), known once the
     * search has run; each becomes a `sampling-not-pinned` warning.
     */
    samplingNotes?: () => readonly string[];
    /**
     * Upstream calls made for this conversation outside the policy's `generate` calls so far
     * (rendering the chat prompt, fetching its text, counting tokens): read after the search, so
     * the request's metadata counts every call it sent (`tts.policy_prompt_calls`). Absent: none.
     */
    supportCalls?: () => number;
    /**
     * Tokens the model's context leaves after the rendered prompt (max_model_len − prompt
     * tokens), when the stack's context length is known: a search that produced nothing within
     * less room than a step may take was cut by the context, not by the upstream.
     */
    contextRoom?: number;
  }>;
  /** The PRM for this model, or null when none is configured. */
  createVerifier(): Verifier | null;
}
