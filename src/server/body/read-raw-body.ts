/**
 * Receive a request body as bytes, bounded in size (413), in time (the whole body within
 * `bodyTimeoutMs`, no gap between chunks over `idleTimeoutMs`: 408) and in what all bodies being
 * received at once may cost (the gate: 429). A client that trickles a body costs a socket and a
 * gate ticket until its timeout, never an admission slot.
 */
import type { IncomingMessage } from 'node:http';
import { OverloadedError } from '../../errors';
import type { BodyGate, BodyTicket } from './body-gate';
import { RequestBodyError } from './request-body-error';

export interface RawBodyLimits {
  limitBytes: number;
  bodyTimeoutMs: number;
  idleTimeoutMs: number;
  gate: BodyGate;
}

export interface RawBody {
  bytes: Buffer;
  /**
   * Count `bytes` more against the gate for this body (its decompressed form, what parsing it
   * allocates); false when that would pass the gate's bound.
   */
  charge: (bytes: number) => boolean;
  /** Hands the body's count and bytes back to the gate (idempotent). */
  release(): void;
}

function tooLarge(limitBytes: number): RequestBodyError {
  return new RequestBodyError(
    413,
    'entity.too.large',
    `Request body is larger than this server's limit of ${limitBytes} bytes.`,
    { closesConnection: true },
  );
}

/**
 * The declared body length, or null without one. Node's parser admits only digits here, so any
 * finite number is the client's claim: one past 2^53 is still a claim over every limit (read as
 * undeclared, it left an `Expect: 100-continue` client waiting for a 100 that never came).
 */
export function declaredLength(request: IncomingMessage): number | null {
  const header = request.headers['content-length'];
  if (header === undefined) return null;
  const length = Number(header);
  return Number.isFinite(length) && length >= 0 ? length : null;
}

export function readRawBody(
  request: IncomingMessage,
  limits: RawBodyLimits,
  /** Called once the body is accepted for reading, before its first byte is awaited. */
  onAccepted?: () => void,
): Promise<RawBody> {
  const declared = declaredLength(request);
  if (declared !== null && declared > limits.limitBytes)
    return Promise.reject(tooLarge(limits.limitBytes));
  let ticket: BodyTicket;
  try {
    ticket = limits.gate.enter();
  } catch (error) {
    return Promise.reject(error);
  }
  onAccepted?.();
  // Bytes are counted as they arrive, declared length or not: a length reserved up front let
  // 64 clients that declared 1 MiB and sent nothing hold the whole byte bound, and every other
  // client's body was refused (found by a hostile-client review).
  return new Promise<RawBody>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    let isDone = false;
    const started = Date.now();
    let lastData = started;
    const finish = (error: Error | undefined, body?: Buffer): void => {
      if (isDone) return;
      isDone = true;
      // The received chunks (a second copy of a body that came in pieces) go now: the ticket's
      // closures below share this scope and live as long as the request.
      chunks.length = 0;
      clearTimeout(timer);
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onError);
      request.off('close', onClose);
      if (error !== undefined) {
        ticket.release();
        reject(error);
        return;
      }
      // Received: the count of bodies being received is given back now, the bytes when released.
      ticket.releaseCount();
      resolve({
        bytes: body ?? Buffer.alloc(0),
        charge: (more) => ticket.add(more),
        release: () => ticket.release(),
      });
    };
    const onData = (chunk: Buffer): void => {
      received += chunk.length;
      lastData = Date.now();
      if (received > limits.limitBytes) return finish(tooLarge(limits.limitBytes));
      if (!ticket.add(chunk.length)) return finish(overloadedBytes());
      chunks.push(chunk);
    };
    const onEnd = (): void =>
      finish(undefined, chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, received));
    const onError = (error: Error): void =>
      finish(
        new RequestBodyError(400, 'request.aborted', 'The request body was cut off.', {
          cause: error,
        }),
      );
    // 'close' before 'end': the client went away mid-body.
    const onClose = (): void =>
      finish(new RequestBodyError(400, 'request.aborted', 'The request body was cut off.'));
    // One timer for both bounds: it fires at the earlier of the two and re-arms if data came since.
    const check = (): void => {
      const now = Date.now();
      const idleLeft = limits.idleTimeoutMs - (now - lastData);
      const totalLeft = limits.bodyTimeoutMs - (now - started);
      if (idleLeft <= 0 || totalLeft <= 0) {
        finish(
          new RequestBodyError(
            408,
            'request.timeout',
            idleLeft <= 0
              ? `The request body stalled for more than ${limits.idleTimeoutMs} ms.`
              : `The request body did not arrive within ${limits.bodyTimeoutMs} ms.`,
            { closesConnection: true },
          ),
        );
        return;
      }
      timer = setTimeout(check, Math.min(idleLeft, totalLeft));
    };
    let timer = setTimeout(check, Math.min(limits.idleTimeoutMs, limits.bodyTimeoutMs));
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onError);
    request.on('close', onClose);
  });
}

export function overloadedBytes(): OverloadedError {
  return new OverloadedError('Too many request bytes are being received at once; retry later.', 1);
}
