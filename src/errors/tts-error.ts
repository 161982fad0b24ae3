/** Base of every error we throw on purpose; `server/error-handler.ts` maps subclasses to HTTP. */
export class TtsError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}
