/**
 * What on the wire makes a chat request one that test-time scaling cannot serve faithfully: the
 * search samples plain-text solutions and returns one of them, so anything that shapes the output
 * (tools, JSON modes, logprobs), input it cannot read (images, audio, files) or a conversation that
 * does not end in a user turn would be silently dropped or bent. Such requests pass through
 * unchanged (docs/request-scope.md lists every rule).
 */
import type { ScopeBlocker } from '../pipeline';
import { messageText, type ChatRequestWire } from './openai-wire';

// vLLM's own structured-output extras (`guided_*` until 0.10, `structured_outputs` after).
const GUIDED_FIELDS = [
  'guided_json',
  'guided_regex',
  'guided_choice',
  'guided_grammar',
  'structured_outputs',
] as const;

function isPresent(value: unknown): boolean {
  return value !== undefined && value !== null;
}

function toolsBlocker(body: ChatRequestWire): ScopeBlocker | null {
  const tools = body.tools;
  const functions = body.functions;
  // Anything but an empty list offers tools, a malformed value included: the upstream then
  // answers it as it would without us (vLLM refuses a `tools` that is not a list of tools).
  const hasTools = offers(tools) || offers(functions);
  const choice = body.tool_choice ?? body.function_call;
  const hasChoice = isPresent(choice) && choice !== 'none';
  if (hasTools || hasChoice) {
    return {
      code: 'tools',
      message:
        'the request offers tools (tools/tool_choice); a tool call is not an answer a vote can count',
    };
  }
  const index = body.messages.findIndex(isToolTurn);
  if (index < 0) return null;
  return {
    code: 'tools',
    message: `messages[${index}] is part of a tool exchange (tool_calls or a tool result), which the search's plain-text prompt cannot carry`,
  };
}

function offers(list: unknown): boolean {
  return isPresent(list) && !(Array.isArray(list) && list.length === 0);
}

/** An assistant turn that called tools, or a tool's (or legacy function's) result. */
function isToolTurn(message: ChatRequestWire['messages'][number]): boolean {
  if (message.role === 'tool' || message.role === 'function') return true;
  const calls = message.tool_calls;
  return (Array.isArray(calls) && calls.length > 0) || isPresent(message.function_call);
}

function structuredBlocker(body: ChatRequestWire): ScopeBlocker | null {
  const format = body.response_format;
  const type =
    typeof format === 'object' && format !== null ? (format as { type?: unknown }).type : undefined;
  if (type === 'json_object' || type === 'json_schema') {
    return {
      code: 'structured-output',
      message: `response_format '${type}' constrains the output to JSON, which the search does not sample`,
    };
  }
  // Any other format but plain text (vLLM's `structural_tag`, or one no server knows, which the
  // upstream then refuses as it would without us).
  if (isPresent(format) && type !== 'text') {
    return {
      code: 'structured-output',
      message: `response_format ${JSON.stringify(type ?? format)} is not plain text, which is all the search samples`,
    };
  }
  const guided = GUIDED_FIELDS.find((field) => isPresent(body[field]));
  if (guided === undefined) return null;
  return {
    code: 'structured-output',
    message: `'${guided}' constrains the output, which the search does not sample`,
  };
}

function nonTextBlocker(body: ChatRequestWire): ScopeBlocker | null {
  for (const [index, message] of body.messages.entries()) {
    if (!Array.isArray(message.content)) continue;
    const part = message.content.find((item) => item.type !== 'text');
    if (part !== undefined) {
      return {
        code: 'non-text-content',
        message: `messages[${index}] has a '${part.type}' content part; the search reasons over text only`,
      };
    }
  }
  const modalities = body.modalities;
  if ((Array.isArray(modalities) && modalities.includes('audio')) || isPresent(body.audio)) {
    return {
      code: 'non-text-content',
      message: 'the request asks for audio output; the search returns text only',
    };
  }
  return null;
}

function logprobsBlocker(body: ChatRequestWire): ScopeBlocker | null {
  if (body.logprobs !== true && !isPresent(body.top_logprobs) && !isPresent(body.prompt_logprobs))
    return null;
  return {
    code: 'logprobs',
    message: 'the client asked for logprobs, which describe one sampling, not a search',
  };
}

function lastTurnBlocker(body: ChatRequestWire): ScopeBlocker | null {
  const last = body.messages[body.messages.length - 1];
  const continues = body.continue_final_message === true || body.add_generation_prompt === false;
  if (last?.role === 'user' && !continues) {
    if (messageText(last).trim() !== '') return null;
    // A search over an empty question samples answers to nothing: the model answers it as sent.
    return {
      code: 'no-question',
      message: `the last user turn (messages[${body.messages.length - 1}]) has no text to reason about`,
    };
  }
  return {
    code: 'not-a-user-turn',
    message: continues
      ? 'the request continues the final message (continue_final_message / add_generation_prompt)'
      : `the conversation ends with ${roleTurn(last?.role)}, not a user question`,
  };
}

/** Every reason this request cannot run TTS faithfully, in a fixed order (empty = it can). */
export function findScopeBlockers(body: ChatRequestWire): ScopeBlocker[] {
  return [
    toolsBlocker(body),
    structuredBlocker(body),
    nonTextBlocker(body),
    logprobsBlocker(body),
    lastTurnBlocker(body),
  ].filter((blocker): blocker is ScopeBlocker => blocker !== null);
}

/** "a 'tool' turn", "an 'assistant' turn": the article the role's sound takes. */
function roleTurn(role: string | undefined): string {
  const name = role ?? 'missing';
  return `${/^[aeiou]/i.test(name) ? 'an' : 'a'} '${name}' turn`;
}
