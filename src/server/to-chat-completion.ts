/**
 * SolveResult -> OpenAI `chat.completion` (and its chunk form). Usage follows OpenAI semantics:
 * `prompt_tokens` = the client prompt once, `completion_tokens` = every policy token generated
 * across all candidates (like hidden reasoning), `reasoning_tokens` = the part not returned.
 * The search statistics ride in a top-level `tts` object (SDKs keep unknown fields).
 */
import { splitReasoning } from '../answer';
import type { AutoMetadata, SolveMetadata, SolveResult } from '../pipeline';

/** Reasoning parsers we apply to TTS answers (as vLLM's `--reasoning-parser`). */
export type ReasoningParserName = 'deepseek_r1';

export interface CompletionIdentity {
  id: string;
  created: number;
  model: string;
}

function autoWire(auto: AutoMetadata): Record<string, unknown> {
  return {
    probe_samples: auto.probeSamples,
    probe_reason: auto.probeReason,
    difficulty: auto.difficulty,
    bin: auto.bin,
    table: auto.table,
    row: auto.row,
    size_class: auto.sizeClass,
    prm_class: auto.prmClass,
    accounting: auto.accounting,
    early_stop: auto.earlyStop
      ? {
          rule: auto.earlyStop.rule,
          stopped: auto.earlyStop.stopped,
          reason: auto.earlyStop.reason,
          samples_drawn: auto.earlyStop.samplesDrawn,
          samples_saved: auto.earlyStop.samplesSaved,
          posterior: auto.earlyStop.posterior,
        }
      : null,
    budget_spent: auto.budgetSpent,
  };
}

export function ttsMetadataWire(metadata: SolveMetadata): Record<string, unknown> {
  return {
    method: metadata.method,
    requested_strategy: metadata.requestedStrategy,
    n: metadata.n,
    m: metadata.m,
    aggregation: metadata.aggregation,
    vote: metadata.vote,
    reason: metadata.reason,
    sources: metadata.sources,
    selection: metadata.selection,
    selected_answer: metadata.selectedAnswer,
    vote_table: metadata.voteTable.map((row) => ({
      answer: row.answer,
      count: row.count,
      score_sum: row.scoreSum,
      max_score: row.maxScore,
    })),
    candidates: metadata.candidates,
    complete_candidates: metadata.completeCandidates,
    budget_spent: metadata.generations,
    rounds: metadata.rounds,
    policy_calls: metadata.policyCalls,
    policy_prompt_calls: metadata.policyPromptCalls,
    prm_calls: metadata.prmCalls,
    policy_prompt_tokens: metadata.policyPromptTokens,
    policy_completion_tokens: metadata.policyCompletionTokens,
    prm_tokens: metadata.prmTokens,
    prm_cached_tokens: metadata.prmCachedTokens,
    flops: {
      policy: metadata.policyFlops,
      prm: metadata.prmFlops,
      total: metadata.policyFlops + metadata.prmFlops,
      formula: '2 * params * tokens (policy prompt+completion tokens; PRM input tokens)',
    },
    latency_ms: metadata.latencyMs,
    warnings: metadata.warnings,
    degraded: metadata.degraded,
    simulated: metadata.simulated,
    ...(metadata.auto ? { auto: autoWire(metadata.auto) } : {}),
    ...(metadata.candidateDetails
      ? {
          candidate_details: metadata.candidateDetails.map((c) => ({
            text: c.text,
            answer: c.answer,
            step_scores: c.stepScores,
            finish: c.finish,
            score: c.score,
          })),
        }
      : {}),
  };
}

export function usageWire(result: SolveResult): Record<string, unknown> {
  return {
    prompt_tokens: result.promptTokens,
    completion_tokens: result.completionTokens,
    total_tokens: result.promptTokens + result.completionTokens,
    completion_tokens_details: {
      reasoning_tokens: Math.max(0, result.completionTokens - result.answerTokens),
    },
  };
}

/**
 * A choice's message. With the `deepseek_r1` reasoning parser the thinking goes to
 * `reasoning_content` and `content` holds the answer after `</think>` (null when there is none),
 * as vLLM answers; without it `content` is the whole text.
 */
export function messageParts(
  text: string,
  reasoningParser: ReasoningParserName | null,
): { content: string | null; reasoningContent: string | null } {
  if (reasoningParser === null) return { content: text, reasoningContent: null };
  const split = splitReasoning(text);
  return { content: split.content, reasoningContent: split.reasoning };
}

export function toChatCompletion(
  result: SolveResult,
  identity: CompletionIdentity,
  reasoningParser: ReasoningParserName | null = null,
): Record<string, unknown> {
  return {
    id: identity.id,
    object: 'chat.completion',
    created: identity.created,
    model: identity.model,
    choices: result.choices.map((choice, index) => ({
      index,
      message: assistantMessage(choice.text, reasoningParser),
      logprobs: null,
      finish_reason: choice.finishReason,
    })),
    usage: usageWire(result),
    tts: ttsMetadataWire(result.metadata),
  };
}

function assistantMessage(
  text: string,
  reasoningParser: ReasoningParserName | null,
): Record<string, unknown> {
  const parts = messageParts(text, reasoningParser);
  return {
    role: 'assistant',
    content: parts.content,
    refusal: null,
    ...(reasoningParser === null ? {} : { reasoning_content: parts.reasoningContent }),
  };
}

export function chunk(
  identity: CompletionIdentity,
  choices: unknown[],
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    id: identity.id,
    object: 'chat.completion.chunk',
    created: identity.created,
    model: identity.model,
    choices,
    ...extra,
  };
}

/** Split text into content deltas so clients render incrementally even when the answer is ready at once. */
export function splitForStreaming(text: string, size = 48): string[] {
  const pieces: string[] = [];
  // Iterate by code points so a surrogate pair is never split across chunks.
  const chars = Array.from(text);
  for (let i = 0; i < chars.length; i += size) pieces.push(chars.slice(i, i + size).join(''));
  return pieces.length > 0 ? pieces : [''];
}
