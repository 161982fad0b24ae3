/**
 * `LocalHistogram` (src/server/local-histogram.ts) counts its series in arrays of its own, and
 * `/metrics` must read exactly as it did with prom-client's own `Histogram`: the same
 * observations into both give the same exposition text and the same JSON.
 */
import { Histogram, Registry } from 'prom-client';
import { LocalHistogram } from '../../../src/server/local-histogram';
import { createSeededRandom } from '../../../src/util/seeded-random';

const BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120];
const LABELS = ['upstream', 'path'] as const;

function pair(): {
  ours: Registry;
  theirs: Registry;
  local: LocalHistogram<'upstream' | 'path'>;
  reference: Histogram<'upstream' | 'path'>;
} {
  const ours = new Registry();
  const theirs = new Registry();
  const config = {
    name: 'tts_proxy_upstream_call_duration_seconds',
    help: 'Upstream call latency',
    labelNames: LABELS,
    buckets: BUCKETS,
  };
  return {
    ours,
    theirs,
    local: new LocalHistogram({ ...config, registers: [ours] }),
    reference: new Histogram({ ...config, registers: [theirs] }),
  };
}

describe('LocalHistogram', () => {
  it('prints what a prom-client Histogram fed the same observations prints', async () => {
    const { ours, theirs, local, reference } = pair();
    const random = createSeededRandom(7);
    const tuples = [
      ['policy', '/v1/completions'],
      ['prm', '/pooling'],
      ['policy', '/tokenize'],
    ] as const;
    for (let i = 0; i < 500; i++) {
      const [upstream, path] = tuples[i % tuples.length] as (typeof tuples)[number];
      // Spread over every bucket, past the last one too, and onto bucket bounds exactly.
      const value = i % 50 === 0 ? (BUCKETS[i % BUCKETS.length] as number) : random() ** 4 * 200;
      local.series([upstream, path]).observe(value);
      reference.labels(upstream, path).observe(value);
    }
    expect(await ours.metrics()).toBe(await theirs.metrics());
    expect(await ours.getMetricsAsJSON()).toEqual(await theirs.getMetricsAsJSON());
    expect(await ours.metrics()).toContain(
      'tts_proxy_upstream_call_duration_seconds_bucket{le="+Inf",upstream="policy",path="/v1/completions"} 167',
    );
  });

  it('escapes label values as prom-client does', async () => {
    const { ours, theirs, local, reference } = pair();
    local.series(['a"b\\c', 'x\ny']).observe(0.2);
    reference.labels('a"b\\c', 'x\ny').observe(0.2);
    expect(await ours.metrics()).toBe(await theirs.metrics());
  });

  it('goes back to zero on reset, and a series held across it still counts', async () => {
    const { ours, local } = pair();
    const series = local.series(['policy', '/v1/completions']);
    series.observe(0.2);
    ours.resetMetrics();
    const count =
      'tts_proxy_upstream_call_duration_seconds_count{upstream="policy",path="/v1/completions"}';
    expect(await ours.metrics()).toContain(`${count} 0`);
    series.observe(0.3);
    expect(await ours.metrics()).toContain(`${count} 1`);
  });

  it('ignores a value that is not a number rather than corrupting the sum', async () => {
    const { ours, local } = pair();
    const series = local.series(['policy', '/v1/completions']);
    series.observe(Number.NaN);
    series.observe(0.003);
    const text = await ours.metrics();
    expect(text).toContain(
      'tts_proxy_upstream_call_duration_seconds_count{upstream="policy",path="/v1/completions"} 1',
    );
    expect(text).toContain(
      'tts_proxy_upstream_call_duration_seconds_sum{upstream="policy",path="/v1/completions"} 0.003',
    );
  });
});
