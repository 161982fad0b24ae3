/**
 * @module contracts — the interfaces upstream adapters implement: what the pipeline consumes
 * (`ModelBackend`, `ModelInfo`, `PolicyMessage`) and what the server forwards passthrough
 * requests through (`ChatForwarder`). Types only; imports types from tts, select and util.
 */
export type * from './model-backend';
export type * from './chat-forwarder';
