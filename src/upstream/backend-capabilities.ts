/**
 * What each serving stack can do for the search, so a request for a method a stack cannot run is
 * refused up front with a 400 that names the reason, instead of failing half-way through a search.
 */
import { METHOD_TRAITS } from '../tts';
import { METHOD_NAMES, type MethodName } from '../tts/search-types';
import { STACK_KINDS, type StackKind } from './stack-kinds';

export { STACK_KINDS, type StackKind };

export interface BackendCapabilities {
  /** Can continue a partial assistant answer and stop on "\n\n" (beam search, DVTS). */
  stepwise: boolean;
  /** Returns n samples per request; otherwise the policy fans requests out (same accounting). */
  nativeN: boolean;
  /** Can serve a process reward model for our `Verifier`. */
  prm: boolean;
  /** Methods the stack's POLICY can run (the PRM may live on another upstream). */
  methods: readonly MethodName[];
  /** Why some methods are missing, for the 400 message; null when all are available. */
  limitation: string | null;
}

const ALL_METHODS: readonly MethodName[] = METHOD_NAMES;
/** What a stack that can only sample whole solutions runs (no step-wise continuation). */
const WHOLE_SOLUTION_METHODS: readonly MethodName[] = METHOD_NAMES.filter(
  (method) => !METHOD_TRAITS[method].isStepWise,
);

export const BACKEND_CAPABILITIES: Readonly<Record<StackKind, Readonly<BackendCapabilities>>> =
  Object.freeze({
    // /v1/completions with a prompt list and n; PRMs via /pooling or prompt_logprobs.
    vllm: { stepwise: true, nativeN: true, prm: true, methods: ALL_METHODS, limitation: null },
    // Native /generate with n; no STEP-pooled PRM in SGLang (upstream-apis §4.1): keep PRMs on vLLM.
    sglang: { stepwise: true, nativeN: true, prm: false, methods: ALL_METHODS, limitation: null },
    // /completion takes one sample per request: fanned out.
    'llama-cpp': {
      stepwise: true,
      nativeN: false,
      prm: false,
      methods: ALL_METHODS,
      limitation: null,
    },
    // /generate returns one sequence per request: fanned out.
    tgi: { stepwise: true, nativeN: false, prm: false, methods: ALL_METHODS, limitation: null },
    // The paper's workers: /worker_generate with n, /worker_reward_inference for the PRM.
    fastchat: { stepwise: true, nativeN: true, prm: true, methods: ALL_METHODS, limitation: null },
    'openai-chat': {
      stepwise: false,
      nativeN: true,
      prm: false,
      methods: WHOLE_SOLUTION_METHODS,
      limitation: 'cannot continue a partial solution',
    },
  });

export function isStackKind(value: string): value is StackKind {
  return (STACK_KINDS as readonly string[]).includes(value);
}

/** The 400 message for `method` on `stack`, or null when the stack can run it. */
export function describeUnsupportedMethod(stack: StackKind, method: MethodName): string | null {
  const capabilities = BACKEND_CAPABILITIES[stack];
  if (capabilities.methods.includes(method)) return null;
  // The PRM-guided alternative first: it is the closer substitute for a search method.
  const alternatives = capabilities.methods
    .filter((name) => name !== 'cot')
    .sort((a, b) => Number(METHOD_TRAITS[b].needsVerifier) - Number(METHOD_TRAITS[a].needsVerifier))
    .join(' or ');
  return `${stack} backends ${capabilities.limitation ?? 'cannot run it'}, so ${method} is unavailable; use ${alternatives}.`;
}

/** Every refused method of a stack with its message (for `ModelInfo`, which `pipeline/` reads). */
export function unsupportedMethodReasons(stack: StackKind): Partial<Record<MethodName, string>> {
  const reasons: Partial<Record<MethodName, string>> = {};
  for (const method of ALL_METHODS) {
    const reason = describeUnsupportedMethod(stack, method);
    if (reason !== null) reasons[method] = reason;
  }
  return reasons;
}
