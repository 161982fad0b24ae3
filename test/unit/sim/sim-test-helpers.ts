import { startSimulator, type RunningSimulator, type SimulatorOptions } from '../../../src/sim';

export interface JsonResponse {
  status: number;
  body: unknown;
  text: string;
}

export async function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<JsonResponse> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown = null;
  try {
    parsed = JSON.parse(text) as unknown;
  } catch {
    parsed = null;
  }
  return { status: response.status, body: parsed, text };
}

/** Reads a field path of an unknown JSON value (tests only; throws on a missing path). */
export function at(value: unknown, ...path: (string | number)[]): unknown {
  let current: unknown = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object')
      throw new Error(`no ${String(key)} in ${JSON.stringify(current)}`);
    const next: unknown = Reflect.get(current, key);
    current = next;
  }
  return current;
}

export function text(value: unknown, ...path: (string | number)[]): string {
  const found = at(value, ...path);
  if (typeof found !== 'string')
    throw new Error(`expected a string at ${path.join('.')}, got ${JSON.stringify(found)}`);
  return found;
}

export function num(value: unknown, ...path: (string | number)[]): number {
  const found = at(value, ...path);
  if (typeof found !== 'number')
    throw new Error(`expected a number at ${path.join('.')}, got ${JSON.stringify(found)}`);
  return found;
}

export function list(value: unknown, ...path: (string | number)[]): unknown[] {
  const found = at(value, ...path);
  if (!Array.isArray(found))
    throw new Error(`expected an array at ${path.join('.')}, got ${JSON.stringify(found)}`);
  return found;
}

/** The values of an object at a path (for `{token_id: entry}` maps). */
export function valuesAt(value: unknown, ...path: (string | number)[]): unknown[] {
  const found = at(value, ...path);
  if (found === null || typeof found !== 'object')
    throw new Error(`expected an object at ${path.join('.')}`);
  return Object.values(found);
}

/** The keys of an object at a path. */
export function keysAt(value: unknown, ...path: (string | number)[]): string[] {
  const found = at(value, ...path);
  if (found === null || typeof found !== 'object')
    throw new Error(`expected an object at ${path.join('.')}`);
  return Object.keys(found);
}

/** Splits an SSE body into its `data:` payloads (without the "data: " prefix). */
export function sseData(body: string): string[] {
  return body
    .split('\n\n')
    .filter((event) => event.startsWith('data: '))
    .map((event) => event.slice('data: '.length));
}

export const QWEN_SYSTEM =
  'Please reason step by step, and put your final answer within \\boxed{}.';

/** The Qwen chat-template prompt of a question, as the proxy would render it. */
export function qwenPrompt(question: string, partial = ''): string {
  return `<|im_start|>system\n${QWEN_SYSTEM}<|im_end|>\n<|im_start|>user\n${question}<|im_end|>\n<|im_start|>assistant\n${partial}`;
}

export function policyOptions(overrides: Partial<SimulatorOptions> = {}): SimulatorOptions {
  return {
    role: 'policy',
    seed: 7,
    model: { servedName: 'Qwen/Qwen2.5-1.5B-Instruct', paramsB: 1.5, family: 'qwen2.5' },
    ...overrides,
  };
}

export async function startPolicy(
  overrides: Partial<SimulatorOptions> = {},
): Promise<RunningSimulator> {
  return startSimulator(policyOptions(overrides));
}
