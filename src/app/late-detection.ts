/**
 * An upstream not reachable at start-up (a pod started beside its vLLM, a `tts-proxy sim` started
 * after the proxy) is detected when it first answers, as a /health request would detect it: probed
 * here every few seconds (backing off to half a minute) until its served names check out. So what
 * it is — which vLLM, or a simulator whose answers must say so — is known whether or not anything
 * ever asks /health.
 */
import type { ServedNameGate } from './served-names';
import { healthProbe, type UpstreamClients } from './upstream-clients';

export interface LateDetectionOptions {
  firstDelayMs?: number;
  maxDelayMs?: number;
}

const PROBE_TIMEOUT_MS = 2000;

export function watchUncheckedUpstreams(
  upstreams: UpstreamClients,
  servedNames: ServedNameGate,
  options: LateDetectionOptions = {},
): { stop(): void } {
  const maxDelayMs = options.maxDelayMs ?? 30_000;
  let delayMs = options.firstDelayMs ?? 1000;
  let timer: NodeJS.Timeout | null = null;
  let isStopped = false;

  async function checkOnce(): Promise<void> {
    for (const name of servedNames.unchecked()) {
      const client = upstreams.clients.get(name);
      if (client === undefined || isStopped) continue;
      const probe = healthProbe(upstreams.kindOf(name));
      const isUp = probe.isHealthy(await client.probe(probe.path, PROBE_TIMEOUT_MS));
      if (isUp && !isStopped) await servedNames.problem(name, client, true);
    }
  }

  function schedule(): void {
    if (isStopped || servedNames.unchecked().length === 0) return;
    timer = setTimeout(() => {
      timer = null;
      // The gate logs what it finds wrong; a failed probe is just "not yet".
      checkOnce()
        .catch(() => undefined)
        .finally(() => {
          delayMs = Math.min(maxDelayMs, delayMs * 2);
          schedule();
        });
    }, delayMs);
    // Never what keeps the process alive.
    timer.unref();
  }

  schedule();
  return {
    stop() {
      isStopped = true;
      if (timer !== null) clearTimeout(timer);
    },
  };
}
