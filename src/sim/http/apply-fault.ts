import { sleep } from './latency-model';
import type { RouteContext } from './route-context';
import { VllmError } from './vllm-error';

const ERROR_TYPES = {
  500: 'InternalServerError',
  502: 'BadGatewayError',
  503: 'ServiceUnavailableError',
} as const;

/**
 * Draws this call's fault and acts on it. Returns true when the fault took over the response.
 * @throws VllmError for an injected 5xx
 */
export async function applyFault(context: RouteContext, isStream: boolean): Promise<boolean> {
  const decision = context.runtime.drawFault();
  await sleep(decision.extraDelayMs, context.signal);
  context.serviceStart += decision.extraDelayMs;
  switch (decision.kind) {
    case 'none':
      return false;
    case 'error':
      context.runtime.log(
        `simulated fault: HTTP ${decision.status} on ${context.request.url ?? ''}`,
      );
      throw new VllmError(
        decision.status,
        ERROR_TYPES[decision.status],
        `Simulated upstream failure (HTTP ${decision.status}).`,
      );
    case 'timeout':
      context.runtime.log(
        `simulated fault: holding ${context.request.url ?? ''} without answering`,
      );
      try {
        await sleep(context.runtime.timeoutHoldMs, context.signal);
      } catch {
        return true;
      }
      context.response.destroy();
      return true;
    case 'malformed': {
      context.runtime.log(`simulated fault: malformed body on ${context.request.url ?? ''}`);
      const response = context.response;
      if (isStream) {
        response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' });
        response.end(
          'data: {"id":"sim-broken","object":"chat.completion.chunk","choices":[{"ind\n\n',
        );
      } else {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end('{"id":"sim-broken","object":"text_completion","choices":[{"index":0,"te');
      }
      return true;
    }
  }
}
