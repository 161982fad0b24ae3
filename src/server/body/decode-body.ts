/**
 * Turn the received bytes into text: undo a `content-encoding` (gzip, deflate, br; the decoded
 * size bounded by the body limit, so a small bomb cannot expand without bound) and check the
 * charset. Every failure is the client's and answers 4xx (a broken gzip stream was a 500).
 */
import type { IncomingHttpHeaders } from 'node:http';
import zlib from 'node:zlib';
import { RequestBodyError } from './request-body-error';

const BOM = 0xfeff;

function decompress(bytes: Buffer, encoding: string, limitBytes: number): Buffer {
  const options = { maxOutputLength: limitBytes };
  try {
    if (encoding === 'gzip' || encoding === 'x-gzip') return zlib.gunzipSync(bytes, options);
    if (encoding === 'deflate') return zlib.inflateSync(bytes, options);
    if (encoding === 'br') return zlib.brotliDecompressSync(bytes, options);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE')
      throw new RequestBodyError(
        413,
        'entity.too.large',
        `Request body is larger than this server's limit of ${limitBytes} bytes once decompressed.`,
      );
    throw new RequestBodyError(
      400,
      'encoding.invalid',
      `The request body is not valid ${encoding} data.`,
      { cause: error },
    );
  }
  throw new RequestBodyError(
    415,
    'encoding.unsupported',
    `Unsupported content-encoding "${encoding}" (use gzip, deflate, br or none).`,
  );
}

/** The body's bytes with any content-encoding undone. */
export function decodeBodyBytes(
  bytes: Buffer,
  headers: IncomingHttpHeaders,
  limitBytes: number,
): Buffer {
  const encoding = (headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (encoding === 'identity' || encoding === '' || bytes.length === 0) return bytes;
  return decompress(bytes, encoding, limitBytes);
}

/** The charset a content-type names, lower-cased (null when it names none). */
function charsetOf(contentType: string): string | null {
  const match = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType);
  return match?.[1]?.toLowerCase() ?? null;
}

/** A JSON body's charset must be UTF-8 (RFC 8259 §8.1); any other is a 415. */
export function checkJsonCharset(contentType: string): void {
  const charset = charsetOf(contentType);
  if (charset !== null && charset !== 'utf-8' && charset !== 'utf8')
    throw new RequestBodyError(
      415,
      'charset.unsupported',
      `Unsupported charset "${charset}" (JSON bodies are UTF-8).`,
    );
}

/** JSON text of a body (UTF-8 only: RFC 8259 §8.1), without a byte order mark. */
export function bodyText(bytes: Buffer, contentType: string): string {
  checkJsonCharset(contentType);
  const text = bytes.toString('utf8');
  return text.charCodeAt(0) === BOM ? text.slice(1) : text;
}
