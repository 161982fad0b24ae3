import { TtsError } from './tts-error';

/** The client sent something we will not run; `param` names the offending field. */
export class InvalidRequestError extends TtsError {
  readonly param: string | null;
  readonly code: string | null;
  constructor(message: string, param: string | null = null, code: string | null = null) {
    super(message);
    this.param = param;
    this.code = code;
  }
}
