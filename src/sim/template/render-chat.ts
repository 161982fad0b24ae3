/**
 * The chat templates of the simulated models, written out by hand (the simulator has no Jinja).
 * They follow the models' Hugging Face templates closely enough that the text the proxy renders
 * itself and the text vLLM would render agree byte for byte on system/user/assistant turns.
 */

export type TemplateKind = 'qwen' | 'qwen-math' | 'llama-3.1' | 'deepseek-r1' | 'none';

export interface ChatMessage {
  role: string;
  content: string;
}

export interface RenderChatOptions {
  addGenerationPrompt: boolean;
  /** Leave the final message open (no end-of-turn token), for the model to continue it. */
  continueFinalMessage: boolean;
}

/** Thrown for a model without a chat template (math-shepherd), as transformers does. */
export class ChatTemplateMissingError extends Error {
  constructor() {
    super(
      'As of transformers v4.44, default chat template is no longer allowed, so you must provide a chat template if the tokenizer does not define one.',
    );
    this.name = 'ChatTemplateMissingError';
  }
}

const QWEN_DEFAULT_SYSTEM = 'You are Qwen, created by Alibaba Cloud. You are a helpful assistant.';
const QWEN_MATH_DEFAULT_SYSTEM =
  'Please reason step by step, and put your final answer within \\boxed{}.';
// Llama 3.1's template always writes a system header with these dates (date_string default).
const LLAMA_SYSTEM_PREAMBLE = 'Cutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\n';

function renderQwen(
  messages: readonly ChatMessage[],
  options: RenderChatOptions,
  defaultSystem: string,
): string {
  const first = messages[0];
  const hasSystem = first?.role === 'system';
  let out = `<|im_start|>system\n${hasSystem ? first.content : defaultSystem}<|im_end|>\n`;
  const rest = hasSystem ? messages.slice(1) : messages;
  rest.forEach((message, index) => {
    const isOpen = options.continueFinalMessage && index === rest.length - 1;
    out += `<|im_start|>${message.role}\n${message.content}${isOpen ? '' : '<|im_end|>\n'}`;
  });
  if (options.addGenerationPrompt) out += '<|im_start|>assistant\n';
  return out;
}

function renderLlama(messages: readonly ChatMessage[], options: RenderChatOptions): string {
  const first = messages[0];
  const hasSystem = first?.role === 'system';
  // The Llama 3.x templates `trim` every content, which is why continuing a message ending in
  // "\n\n" loses the separator (transformers PR #34253 discussion).
  let out = `<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\n${LLAMA_SYSTEM_PREAMBLE}${
    hasSystem ? first.content.trim() : ''
  }<|eot_id|>`;
  const rest = hasSystem ? messages.slice(1) : messages;
  rest.forEach((message, index) => {
    const isOpen = options.continueFinalMessage && index === rest.length - 1;
    out += `<|start_header_id|>${message.role}<|end_header_id|>\n\n${message.content.trim()}${isOpen ? '' : '<|eot_id|>'}`;
  });
  if (options.addGenerationPrompt) out += '<|start_header_id|>assistant<|end_header_id|>\n\n';
  return out;
}

function renderDeepseek(messages: readonly ChatMessage[], options: RenderChatOptions): string {
  const system = messages
    .filter((message) => message.role === 'system')
    .map((message) => message.content);
  let out = `<｜begin▁of▁sentence｜>${system.join('\n\n')}`;
  const rest = messages.filter((message) => message.role !== 'system');
  rest.forEach((message, index) => {
    const isOpen = options.continueFinalMessage && index === rest.length - 1;
    if (message.role === 'assistant') {
      // History turns drop their reasoning (`content.split('</think>')[-1]` in the template).
      const content = isOpen ? message.content : (message.content.split('</think>').pop() ?? '');
      out += `<｜Assistant｜>${content}${isOpen ? '' : '<｜end▁of▁sentence｜>'}`;
    } else {
      out += `<｜User｜>${message.content}`;
    }
  });
  if (options.addGenerationPrompt) out += '<｜Assistant｜><think>\n';
  return out;
}

/** Renders messages with the model family's chat template. @throws ChatTemplateMissingError */
export function renderChat(
  kind: TemplateKind,
  messages: readonly ChatMessage[],
  options: RenderChatOptions,
): string {
  switch (kind) {
    case 'qwen':
      return renderQwen(messages, options, QWEN_DEFAULT_SYSTEM);
    case 'qwen-math':
      return renderQwen(messages, options, QWEN_MATH_DEFAULT_SYSTEM);
    case 'llama-3.1':
      return renderLlama(messages, options);
    case 'deepseek-r1':
      return renderDeepseek(messages, options);
    case 'none':
      throw new ChatTemplateMissingError();
  }
}
