import { createMetrics } from '../../../src/server/metrics';

async function valueOf(
  metrics: ReturnType<typeof createMetrics>,
  name: string,
  labels: Record<string, string>,
): Promise<number | undefined> {
  const metric = await metrics.registry.getSingleMetric(name)?.get();
  const entry = metric?.values.find((value) =>
    Object.entries(labels).every(([key, label]) => value.labels[key] === label),
  );
  return entry?.value;
}

describe('createMetrics', () => {
  it('requestSeries counts per status and observes latency; the counts show at scrape time', async () => {
    const metrics = createMetrics();
    const series = metrics.requestSeries('chat_completions', 'm', 'passthrough');
    expect(metrics.requestSeries('chat_completions', 'm', 'passthrough')).toBe(series);
    series.record(200, 0.004);
    series.record(200, 0.02);
    series.record(404, 0.001);
    const text = await metrics.registry.metrics();
    expect(text).toContain(
      'tts_proxy_requests_total{route="chat_completions",model="m",strategy="passthrough",status="200"} 2',
    );
    expect(text).toContain(
      'tts_proxy_requests_total{route="chat_completions",model="m",strategy="passthrough",status="404"} 1',
    );
    expect(text).toContain(
      'tts_proxy_request_duration_seconds_count{route="chat_completions",strategy="passthrough"} 3',
    );
    expect(text).toContain(
      'tts_proxy_request_duration_seconds_bucket{le="0.005",route="chat_completions",strategy="passthrough"} 2',
    );
  });

  it('adds bound counts to direct increments of the same series, across scrapes', async () => {
    const metrics = createMetrics();
    const labels = { route: 'chat_completions', model: 'm', strategy: 'best_of_n', status: '200' };
    metrics.requestSeries('chat_completions', 'm', 'best_of_n').record(200, 1);
    metrics.requests.inc(labels);
    expect(await valueOf(metrics, 'tts_proxy_requests_total', labels)).toBe(2);
    metrics.requestSeries('chat_completions', 'm', 'best_of_n').record(200, 1);
    expect(await valueOf(metrics, 'tts_proxy_requests_total', labels)).toBe(3);
  });

  it('recordUpstreamCall counts calls by outcome and observes their duration', async () => {
    const metrics = createMetrics();
    metrics.recordUpstreamCall({
      upstream: 'policy',
      path: '/v1/completions',
      durationMs: 30,
      outcome: 'ok',
    });
    metrics.recordUpstreamCall({
      upstream: 'policy',
      path: '/v1/completions',
      durationMs: 70,
      outcome: 'ok',
    });
    metrics.recordUpstreamCall({
      upstream: 'policy',
      path: '/v1/completions',
      durationMs: 5,
      outcome: 'error',
    });
    expect(
      await valueOf(metrics, 'tts_proxy_upstream_calls_total', {
        upstream: 'policy',
        outcome: 'ok',
      }),
    ).toBe(2);
    expect(
      await valueOf(metrics, 'tts_proxy_upstream_calls_total', {
        upstream: 'policy',
        outcome: 'error',
      }),
    ).toBe(1);
    const text = await metrics.registry.metrics();
    expect(text).toContain(
      'tts_proxy_upstream_call_duration_seconds_sum{upstream="policy",path="/v1/completions"} 0.105',
    );
  });
});
