import { TtsError } from './tts-error';

/** The proxy's own admission queue is full; clients should retry after `retryAfterSeconds`. */
export class OverloadedError extends TtsError {
  readonly retryAfterSeconds: number;
  constructor(message: string, retryAfterSeconds: number) {
    super(message);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}
