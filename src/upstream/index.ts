/**
 * @module upstream — every network call leaves from here. `transport/` moves bytes (client, retries,
 * replicas, record/replay); `vllm/` and `stacks/` are the adapters that speak one serving stack's
 * API each; the files at this level are shared by the adapters (context budget, path keys, stack
 * kinds and what each can run, the served-name check). Imports tts (types), prm, prompt, contracts
 * (types), util, errors; never pipeline, express, server, config or sim.
 */
export * from './transport';
export * from './vllm';
export * from './stacks';
export { checkServedNames, type ExpectedServedName } from './check-served-names';
export { withContextBudget, isContextLengthError } from './context-budget';
export {
  BACKEND_CAPABILITIES,
  STACK_KINDS,
  describeUnsupportedMethod,
  isStackKind,
  unsupportedMethodReasons,
  type BackendCapabilities,
  type StackKind,
} from './backend-capabilities';
export { splitTokens } from './split-tokens';
