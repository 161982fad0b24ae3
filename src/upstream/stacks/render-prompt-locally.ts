/**
 * Render the policy prompt with the proxy's own chat templates (`prompt/`), for stacks with no
 * documented template-rendering route (SGLang, TGI, the FastChat worker). The text ends with the
 * assistant generation prompt; prefixes are appended to it byte for byte. This equals the paper's
 * `process_prompt` (template with the partial answer as an assistant turn, trailing EOS cut) for the
 * Qwen template, and for Llama 3.1 once the prefix ends with "\n\n" (which COT re-appends).
 */
import { ConfigError } from '../../errors';
import { renderLlama3Chat, renderQwenChat, type ChatTemplateName } from '../../prompt';
import type { PolicyMessage } from '../../contracts';

export interface RenderPromptLocallyOptions {
  /**
   * Write the template's `<|begin_of_text|>` (Llama). False when the server's tokenizer adds BOS to
   * a text prompt itself (SGLang, TGI), which would otherwise double it.
   */
  includeBeginOfText: boolean;
}

/** Templates this function can render (the others must be rendered by the serving stack). */
export function canRenderLocally(template: ChatTemplateName): boolean {
  return template === 'qwen' || template === 'llama-3.1';
}

/**
 * @throws ConfigError for a template we do not render ourselves (`deepseek-r1`): such a model needs
 *   a stack that renders its own template (vLLM, llama.cpp).
 */
export function renderPromptLocally(
  template: ChatTemplateName,
  messages: readonly PolicyMessage[],
  options: RenderPromptLocallyOptions,
): string {
  switch (template) {
    case 'qwen':
      return renderQwenChat(messages, { addGenerationPrompt: true });
    case 'llama-3.1':
      return renderLlama3Chat(messages, {
        addGenerationPrompt: true,
        includeBeginOfText: options.includeBeginOfText,
      });
    case 'deepseek-r1':
      throw new ConfigError(
        'models',
        `the ${template} chat template is not rendered by the proxy; serve this model with vLLM or llama.cpp, which render their own template`,
      );
  }
}
