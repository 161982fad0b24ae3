import type { z } from 'zod';

/**
 * An error answered in vLLM's own shape (≥ 0.10.1): `{"error":{"message","type","param","code"}}`
 * with `type` a class-like name and `code` the HTTP status.
 */
export class VllmError extends Error {
  readonly status: number;
  readonly type: string;
  readonly param: string | null;

  constructor(status: number, type: string, message: string, param: string | null = null) {
    super(message);
    this.name = 'VllmError';
    this.status = status;
    this.type = type;
    this.param = param;
  }

  toBody(): { error: { message: string; type: string; param: string | null; code: number } } {
    return {
      error: { message: this.message, type: this.type, param: this.param, code: this.status },
    };
  }
}

export function badRequest(message: string, param: string | null = null): VllmError {
  return new VllmError(400, 'BadRequestError', message, param);
}

export function modelNotFound(model: string): VllmError {
  return new VllmError(404, 'NotFoundError', `The model \`${model}\` does not exist.`);
}

/** vLLM turns FastAPI's 422 validation errors into 400s; the message lists each failing field. */
export function validationError(error: z.ZodError): VllmError {
  const issues = error.issues.map((issue) => {
    const location = issue.path.length > 0 ? issue.path.join('.') : 'body';
    return `${location}: ${issue.message}`;
  });
  const count = issues.length;
  return badRequest(`${count} validation error${count === 1 ? '' : 's'}: ${issues.join('; ')}`);
}

/** The context-length message of vLLM ≈ 0.10 for generation requests. */
export function contextLengthError(
  maxModelLen: number,
  promptTokens: number,
  maxTokens: number | null,
): VllmError {
  if (maxTokens === null || promptTokens >= maxModelLen) {
    return badRequest(
      `This model's maximum context length is ${maxModelLen} tokens. However, you requested ${promptTokens} tokens in the messages, Please reduce the length of the messages.`,
    );
  }
  return badRequest(
    `This model's maximum context length is ${maxModelLen} tokens. However, you requested ${
      promptTokens + maxTokens
    } tokens (${promptTokens} in the messages, ${maxTokens} in the completion). Please reduce the length of the messages or completion.`,
  );
}

/** The context-length message of vLLM ≈ 0.10 for pooling requests. */
export function poolingContextLengthError(maxModelLen: number, promptTokens: number): VllmError {
  return badRequest(
    `This model's maximum context length is ${maxModelLen} tokens. However, you requested ${promptTokens} tokens in the input for embedding generation. Please reduce the length of the input.`,
  );
}
