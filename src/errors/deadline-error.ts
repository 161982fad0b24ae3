import { TtsError } from './tts-error';

/** The request's deadline (`tts_timeout_ms`) passed before any solution finished. */
export class DeadlineError extends TtsError {
  readonly timeoutMs: number;
  constructor(timeoutMs: number) {
    super(`deadline of ${timeoutMs} ms reached before any solution finished`);
    this.timeoutMs = timeoutMs;
  }
}
