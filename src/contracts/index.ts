/**
 * @module contracts — the interfaces the pipeline consumes and upstream adapters implement
 * (`ModelBackend`, `ModelInfo`, `PolicyMessage`). Types only; imports types from tts and select.
 */
export type * from './model-backend';
