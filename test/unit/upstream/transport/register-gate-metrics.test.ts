import { Registry } from 'prom-client';
import { FairGate, Lane, registerGateMetrics } from '../../../../src/upstream';

describe('registerGateMetrics', () => {
  it("reports each upstream's running and waiting calls, its replicas summed", async () => {
    const registry = new Registry();
    const first = new FairGate(1);
    const second = new FairGate(2);
    registerGateMetrics(
      registry,
      new Map([
        ['policy', [first, second]],
        ['prm', []],
      ]),
    );
    expect(first.enter(new Lane(), undefined)).toBeNull();
    const waiting = first.enter(new Lane(), undefined);
    expect(second.enter(new Lane(), undefined)).toBeNull();
    const text = await registry.metrics();
    expect(text).toContain('tts_proxy_upstream_calls_running{upstream="policy"} 2');
    expect(text).toContain('tts_proxy_upstream_calls_waiting{upstream="policy"} 1');
    expect(text).toContain('tts_proxy_upstream_calls_waiting{upstream="prm"} 0');
    first.leave();
    await waiting;
    expect(await registry.metrics()).toContain(
      'tts_proxy_upstream_calls_waiting{upstream="policy"} 0',
    );
  });
});
