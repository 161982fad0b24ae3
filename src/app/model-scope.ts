/**
 * A model's request-scope settings from its config (docs/request-scope.md): the default budget and
 * its scope, when and which answer-format instruction is added, and the reasoning parser.
 */
import type { ModelConfig } from '../config';
import type { ScopeSettings } from '../contracts';
import { presetAnswerInstruction, type AnswerInstruction, type PolicyPreset } from '../prompt';

/** The model's answer-format instruction: its own text/placement, else the family preset's. */
export function answerInstruction(model: ModelConfig, preset: PolicyPreset): AnswerInstruction {
  const fallback = presetAnswerInstruction(preset);
  return {
    text: model.answer_instruction.text ?? fallback.text,
    placement: model.answer_instruction.placement ?? fallback.placement,
  };
}

export function scopeSettings(model: ModelConfig): ScopeSettings {
  // vLLM runs a reasoning parser only when launched with one; R1-distill models are, by convention.
  const parser =
    model.reasoning_parser ?? (model.family === 'deepseek-r1-distill' ? 'deepseek_r1' : 'none');
  return {
    defaultBudget: model.default_budget ?? null,
    defaultBudgetScope: model.default_budget_scope,
    answerInstruction: model.answer_instruction.when,
    reasoningParser: parser === 'none' ? null : parser,
  };
}
