import { watchUncheckedUpstreams } from '../../../src/app/late-detection';
import type { ServedNameGate } from '../../../src/app/served-names';
import type { UpstreamClients } from '../../../src/app/upstream-clients';
import type { UpstreamClient } from '../../../src/upstream';

/** An upstream that answers its health probe with `status` and whose check settles after `checksToPass`. */
function world(options: { status: number | null; checksToPass: number }): {
  upstreams: UpstreamClients;
  gate: ServedNameGate;
  probes: number[];
  checks: () => number;
} {
  const probes: number[] = [];
  let checks = 0;
  let isChecked = false;
  const started = Date.now();
  const client = {
    probe: () => {
      probes.push(Date.now() - started);
      return Promise.resolve(options.status);
    },
  } as unknown as UpstreamClient;
  const upstreams = {
    clients: new Map([['policy', client]]),
    pools: new Map(),
    client: () => client,
    kindOf: () => 'vllm',
  } as unknown as UpstreamClients;
  const gate: ServedNameGate = {
    check: () => undefined,
    markUnchecked: () => undefined,
    unchecked: () => (isChecked ? [] : ['policy']),
    problem: () => {
      checks++;
      isChecked = checks >= options.checksToPass;
      return Promise.resolve(isChecked ? null : 'not yet');
    },
  };
  return { upstreams, gate, probes, checks: () => checks };
}

const wait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('watchUncheckedUpstreams', () => {
  it('probes until the names check out, backing off, then stops by itself', async () => {
    const { upstreams, gate, probes, checks } = world({ status: 200, checksToPass: 3 });
    const watch = watchUncheckedUpstreams(upstreams, gate, { firstDelayMs: 20, maxDelayMs: 80 });
    await wait(400);
    watch.stop();
    expect(checks()).toBe(3);
    expect(probes).toHaveLength(3);
    // 20 ms, then 40 ms, then 80 ms apart (timers only ever run late).
    expect((probes[1] as number) - (probes[0] as number)).toBeGreaterThanOrEqual(35);
    expect((probes[2] as number) - (probes[1] as number)).toBeGreaterThanOrEqual(75);
  });

  it('does not check an upstream whose health probe fails', async () => {
    const { upstreams, gate, probes, checks } = world({ status: null, checksToPass: 1 });
    const watch = watchUncheckedUpstreams(upstreams, gate, { firstDelayMs: 10, maxDelayMs: 10 });
    await wait(100);
    watch.stop();
    expect(probes.length).toBeGreaterThan(2);
    expect(checks()).toBe(0);
  });

  it('probes no more once stopped', async () => {
    const { upstreams, gate, probes } = world({ status: 503, checksToPass: 1 });
    const watch = watchUncheckedUpstreams(upstreams, gate, { firstDelayMs: 10, maxDelayMs: 10 });
    await wait(60);
    watch.stop();
    const seen = probes.length;
    await wait(60);
    expect(probes).toHaveLength(seen);
  });
});
