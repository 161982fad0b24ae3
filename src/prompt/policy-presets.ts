import { QWEN_MATH_SYSTEM_PROMPT } from './render-qwen-chat';

/**
 * Policy model families the paper runs, each with its own prompt and sampling settings; in a
 * stable order (for config validation and listings).
 */
export const POLICY_FAMILY_NAMES = [
  'qwen2.5',
  'qwen2.5-math',
  'llama-3',
  'deepseek-r1-distill',
] as const;
export type PolicyFamilyName = (typeof POLICY_FAMILY_NAMES)[number];

/**
 * Chat template a family's model uses. Only `qwen` and `llama-3.1` have a renderer in this folder;
 * `deepseek-r1` must be rendered by the serving stack (vLLM chat endpoint or `/tokenize` with
 * `messages`), since its exact bytes are not pinned down in our research notes.
 */
export type ChatTemplateName = 'qwen' | 'llama-3.1' | 'deepseek-r1';

/** Sampling defaults from the paper's `run.sh` / `evaluate.py` (docs/paper-findings.md#settings). */
export interface PolicySamplingDefaults {
  /** Temperature for sampled search (BoN, beam search, DVTS, majority). */
  temperature: number;
  /** Nucleus mass; 1 = off. */
  topP: number;
  /** Top-k; -1 = off (vLLM's convention; always sent, so generation_config.json cannot apply). */
  topK: number;
  /** Token cap per step for step-wise search (beam search, DVTS). */
  maxTokensPerStep: number;
  /** Token cap for one whole solution (BoN, CoT). */
  maxTokensPerSolution: number;
  /** Temperature of the single CoT baseline (greedy for most families). */
  cotTemperature: number;
  /** Nucleus mass of the CoT baseline. */
  cotTopP: number;
}

/**
 * Sampling fields the paper leaves neutral and that a server would otherwise fill from the model's
 * generation_config.json (vLLM: repetition_penalty, top_k, min_p; see docs/upstream-apis.md).
 * Sent on every request the proxy generates, as far as each stack accepts them.
 */
export const PINNED_SAMPLING = Object.freeze({
  /** Off (vLLM/SGLang convention; llama.cpp spells it 0). */
  topK: -1,
  minP: 0,
  repetitionPenalty: 1,
  presencePenalty: 0,
  frequencyPenalty: 0,
});

/** How the proxy prompts one policy family when the client does not bring its own instructions. */
export interface PolicyPreset {
  family: PolicyFamilyName;
  /** The instruction the paper's code gives this family. */
  instruction: string;
  /**
   * Where {@link instruction} goes when the client sent no system/developer message:
   * `system-message` inserts it as the first message; `user-suffix` appends `"\n" + instruction`
   * to the last user turn (DeepSeek-R1-distill takes no system message).
   */
  instructionPlacement: 'system-message' | 'user-suffix';
  chatTemplate: ChatTemplateName;
  sampling: Readonly<PolicySamplingDefaults>;
}

/**
 * Meta's MATH prompt for Llama models: the paper's code (`cot_prompt_dict['llama_official']`) uses
 * the system prompt of huggingface/search-and-learn `src/sal/config.py`, reproduced here as text.
 */
export const LLAMA_MATH_SYSTEM_PROMPT = [
  'Solve the following math problem efficiently and clearly:',
  '',
  '- For simple problems (2 steps or fewer):',
  'Provide a concise solution with minimal explanation.',
  '',
  '- For complex problems (3 steps or more):',
  'Use this step-by-step format:',
  '',
  '## Step 1: [Concise description]',
  '[Brief explanation and calculations]',
  '',
  '## Step 2: [Concise description]',
  '[Brief explanation and calculations]',
  '',
  '...',
  '',
  'Regardless of the approach, always conclude with:',
  '',
  'Therefore, the final answer is: $\\boxed{answer}$. I hope it is correct.',
  '',
  'Where [answer] is just the final number or expression that solves the problem.',
].join('\n');

// run.sh: T=0.7, top_p=1, top_k=-1; 2048 tokens per step (tree search), 8192 for BoN/CoT; CoT
// greedy (T=0, top_p 1).
const PAPER_SAMPLING: Readonly<PolicySamplingDefaults> = Object.freeze({
  temperature: 0.7,
  topP: 1,
  topK: -1,
  maxTokensPerStep: 2048,
  maxTokensPerSolution: 8192,
  cotTemperature: 0,
  cotTopP: 1,
});

// run.sh overrides every method for DeepSeek-R1 models, CoT included: T=0.6, top_p=0.95, 32768
// new tokens (evaluate.py reads the same values for every method).
const R1_SAMPLING: Readonly<PolicySamplingDefaults> = Object.freeze({
  temperature: 0.6,
  topP: 0.95,
  topK: -1,
  maxTokensPerStep: 32768,
  maxTokensPerSolution: 32768,
  cotTemperature: 0.6,
  cotTopP: 0.95,
});

const PRESETS: Readonly<Record<PolicyFamilyName, Readonly<PolicyPreset>>> = {
  'qwen2.5': Object.freeze({
    family: 'qwen2.5',
    instruction: QWEN_MATH_SYSTEM_PROMPT,
    instructionPlacement: 'system-message',
    chatTemplate: 'qwen',
    sampling: PAPER_SAMPLING,
  }),
  'qwen2.5-math': Object.freeze({
    family: 'qwen2.5-math',
    instruction: QWEN_MATH_SYSTEM_PROMPT,
    instructionPlacement: 'system-message',
    chatTemplate: 'qwen',
    sampling: PAPER_SAMPLING,
  }),
  // Llama 3.1 and 3.2 share the system header; 3.2's template would write today's date, so we
  // render it ourselves with the date pinned, as search-and-learn's custom template does.
  'llama-3': Object.freeze({
    family: 'llama-3',
    instruction: LLAMA_MATH_SYSTEM_PROMPT,
    instructionPlacement: 'system-message',
    chatTemplate: 'llama-3.1',
    sampling: PAPER_SAMPLING,
  }),
  // base_env.py build_query_str: one user message, question + "\n" + cot prompt, no system.
  'deepseek-r1-distill': Object.freeze({
    family: 'deepseek-r1-distill',
    instruction: QWEN_MATH_SYSTEM_PROMPT,
    instructionPlacement: 'user-suffix',
    chatTemplate: 'deepseek-r1',
    sampling: R1_SAMPLING,
  }),
};

/** The preset of one policy family. */
export function getPolicyPreset(family: PolicyFamilyName): Readonly<PolicyPreset> {
  return PRESETS[family];
}

/** Type guard for config and request parsing. */
export function isPolicyFamilyName(value: string): value is PolicyFamilyName {
  return (POLICY_FAMILY_NAMES as readonly string[]).includes(value);
}
