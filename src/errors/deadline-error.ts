import { TtsError } from './tts-error';

/**
 * The request's deadline passed before any solution finished: the client's own
 * (`tts_timeout_ms`, `isClientsOwn`) or the server's default (`tts.default_timeout_ms`).
 */
export class DeadlineError extends TtsError {
  readonly timeoutMs: number;
  readonly isClientsOwn: boolean;
  constructor(timeoutMs: number, isClientsOwn: boolean) {
    super(`deadline of ${timeoutMs} ms reached before any solution finished`);
    this.timeoutMs = timeoutMs;
    this.isClientsOwn = isClientsOwn;
  }
}
