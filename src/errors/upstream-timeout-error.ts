import { TtsError } from './tts-error';

export class UpstreamTimeoutError extends TtsError {
  readonly upstream: string;
  readonly timeoutMs: number;
  constructor(upstream: string, timeoutMs: number) {
    super(`upstream '${upstream}' did not answer within ${timeoutMs} ms`);
    this.upstream = upstream;
    this.timeoutMs = timeoutMs;
  }
}
