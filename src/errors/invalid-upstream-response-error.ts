import { TtsError } from './tts-error';

/** The upstream answered 200 but the body does not mean what we need (schema, score count). */
export class InvalidUpstreamResponseError extends TtsError {
  readonly upstream: string;
  constructor(upstream: string, message: string, options?: { cause?: unknown }) {
    super(`upstream '${upstream}' returned an invalid response: ${message}`, options);
    this.upstream = upstream;
  }
}
