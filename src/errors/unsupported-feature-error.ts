import { TtsError } from './tts-error';

/** A valid request that this deployment cannot serve (e.g. a method the backend cannot run). */
export class UnsupportedFeatureError extends TtsError {
  readonly param: string | null;
  constructor(message: string, param: string | null = null) {
    super(message);
    this.param = param;
  }
}
