import { TtsError } from './tts-error';

/** Bad configuration; only raised at startup or in the CLI, never over HTTP. */
export class ConfigError extends TtsError {
  /** Dotted path of the bad field, e.g. `models.0.params_b`. */
  readonly path: string;
  constructor(path: string, message: string) {
    super(path ? `config field '${path}': ${message}` : message);
    this.path = path;
  }
}
