import { TtsError } from './tts-error';

/** One API key sent more requests than its `requests_per_minute` allows. */
export class RateLimitError extends TtsError {
  readonly retryAfterSeconds: number;
  constructor(message: string, retryAfterSeconds: number) {
    super(message);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}
