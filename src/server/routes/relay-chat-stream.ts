/**
 * Relay an upstream SSE chat stream to the client as it arrives (true streaming), rewriting the
 * upstream's model id to the client's model name line by line. Upstream error events are turned
 * into OpenAI-shaped `{"error":...}` events so SDKs throw (pre-0.10.1 vLLM sends a flat body).
 */
import type { Readable } from 'node:stream';
import type { Response } from 'express';

export async function relayChatStream(
  body: Readable,
  response: Response,
  servedName: string,
  clientModel: string,
  signal: AbortSignal,
): Promise<void> {
  response.status(200);
  response.set({
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  response.flushHeaders();
  const from = `"model":${JSON.stringify(servedName)}`;
  const to = `"model":${JSON.stringify(clientModel)}`;
  let pending = '';
  const onAbort = (): void => {
    body.destroy();
  };
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    for await (const piece of body) {
      pending += typeof piece === 'string' ? piece : (piece as Buffer).toString('utf8');
      const cut = pending.lastIndexOf('\n');
      if (cut < 0) continue;
      const complete = pending.slice(0, cut + 1);
      pending = pending.slice(cut + 1);
      response.write(rewrite(complete, from, to));
    }
    if (pending.length > 0) response.write(rewrite(pending, from, to));
  } catch (error) {
    if (signal.aborted) return;
    response.write(
      `data: ${JSON.stringify({ error: { message: 'The upstream stream failed.', type: 'server_error', param: null, code: 'upstream_error' } })}\n\n`,
    );
    response.write('data: [DONE]\n\n');
    void error;
  } finally {
    signal.removeEventListener('abort', onAbort);
    if (!response.writableEnded) response.end();
  }
}

function rewrite(text: string, from: string, to: string): string {
  let out = text.split(from).join(to);
  // Flat vLLM (<0.10.1) error events have no `error` key, so SDKs would not throw: wrap them.
  if (out.includes('"object":"error"')) {
    out = out.replace(/^data: (\{.*"object":"error".*\})$/gm, (_line, json: string) => {
      try {
        const parsed = JSON.parse(json) as Record<string, unknown>;
        const message =
          typeof parsed.message === 'string'
            ? parsed.message
            : parsed.message == null
              ? 'upstream error'
              : JSON.stringify(parsed.message);
        return `data: ${JSON.stringify({ error: { message, type: 'server_error', param: null, code: 'upstream_error' } })}`;
      } catch {
        return `data: ${json}`;
      }
    });
  }
  return out;
}
