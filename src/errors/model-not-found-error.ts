import { TtsError } from './tts-error';

export class ModelNotFoundError extends TtsError {
  readonly model: string;
  constructor(model: string) {
    super(`The model '${model}' does not exist or you do not have access to it.`);
    this.model = model;
  }
}
