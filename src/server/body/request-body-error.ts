/**
 * Why a request body could not be read, with the status it answers: 400 (broken framing, bad
 * compression, JSON too deep), 408 (too slow), 413 (too large), 415 (an encoding or charset we do
 * not read). `type` keeps body-parser's spelling, so both kinds map alike in `toHttpError`.
 */
export class RequestBodyError extends Error {
  readonly status: 400 | 408 | 413 | 415;
  readonly type: string;
  /** Part of the body may still be on the wire: the connection is closed after the answer. */
  readonly closesConnection: boolean;
  constructor(
    status: RequestBodyError['status'],
    type: string,
    message: string,
    options: { cause?: unknown; closesConnection?: boolean } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'RequestBodyError';
    this.status = status;
    this.type = type;
    this.closesConnection = options.closesConnection ?? false;
  }
}
