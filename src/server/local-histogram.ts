/**
 * A prom-client `Histogram` whose label series count in plain arrays of their own, read by the
 * registry when it is scraped. Why: prom-client 15's bound child (`histogram.labels(...)`) still
 * builds, validates and hashes a label object on every `observe` (lib/histogram.js `observe`:
 * `validateLabel`, `hashObject`), which the profile of a plain passthrough request showed among
 * its top functions for its two observations (docs/performance.md#what-keeps-the-hot-path-cheap).
 * Here a series is resolved once and an observation is a bucket search and three additions.
 *
 * It stays a prom-client metric: a subclass registered in the same `Registry`, exporting the
 * values in the shape prom-client's own histogram exports (cumulative `_bucket` lines with `le`,
 * `+Inf`, `_sum`, `_count`), so `/metrics` reads as before; a unit test holds the text to what a
 * prom-client `Histogram` fed the same observations prints. Observations go through `series()`
 * only: the base class's own `observe` and `labels` are not read by this export.
 */
import { Histogram, type Registry } from 'prom-client';
import type { HistogramSeries } from './metrics';

interface SeriesCounts {
  labels: Record<string, string>;
  /** Observations per bucket (not cumulative), in `upperBounds` order. */
  buckets: number[];
  sum: number;
  count: number;
}

/** One exported line, as prom-client's registry reads it (`metricName`, `labels`, `value`). */
interface ExportedValue {
  value: number;
  labels: Record<string, string | number>;
  sharedLabels: Record<string, string>;
  metricName: string;
  /** prom-client's bucket lines carry `exemplar: null` when exemplars are off (as here). */
  exemplar?: null;
}

export interface LocalHistogramOptions<L extends string> {
  name: string;
  help: string;
  labelNames: readonly L[];
  buckets: readonly number[];
  registers: Registry[];
}

export class LocalHistogram<L extends string> extends Histogram<L> {
  private readonly bounds: readonly number[];
  private readonly names: readonly L[];
  // The base class keeps these too, untyped in prom-client's declarations.
  private readonly metricName: string;
  private readonly metricHelp: string;
  private readonly counted = new Map<string, SeriesCounts>();

  constructor(options: LocalHistogramOptions<L>) {
    super({
      name: options.name,
      help: options.help,
      labelNames: options.labelNames,
      buckets: [...options.buckets],
      registers: options.registers,
    });
    this.bounds = [...options.buckets].sort((a, b) => a - b);
    this.names = options.labelNames;
    this.metricName = options.name;
    this.metricHelp = options.help;
  }

  /** The series of these label values (in `labelNames` order), made on first use. */
  series(values: readonly string[]): HistogramSeries {
    const key = values.join('\u0000');
    let counts = this.counted.get(key);
    if (counts === undefined) {
      if (values.length !== this.names.length)
        throw new Error(
          `${this.metricName}: ${values.length} label values for ${this.names.length}`,
        );
      const labels: Record<string, string> = {};
      this.names.forEach((name, index) => {
        labels[name] = values[index] ?? '';
      });
      counts = { labels, buckets: this.bounds.map(() => 0), sum: 0, count: 0 };
      this.counted.set(key, counts);
    }
    const bounds = this.bounds;
    const bound = counts;
    return {
      observe(value: number): void {
        if (!Number.isFinite(value)) return;
        bound.sum += value;
        bound.count += 1;
        // Past the last bound it counts in +Inf only (the count).
        for (let i = 0; i < bounds.length; i++) {
          if (value <= (bounds[i] as number)) {
            (bound.buckets[i] as number) += 1;
            return;
          }
        }
      },
    };
  }

  /** What the registry prints: prom-client's histogram export, from our counts. */
  getForPromString(): {
    name: string;
    help: string;
    type: 'histogram';
    values: ExportedValue[];
    aggregator: 'sum';
  } {
    const values: ExportedValue[] = [];
    const name = this.metricName;
    const bucketName = `${name}_bucket`;
    for (const counts of this.counted.values()) {
      let cumulative = 0;
      this.bounds.forEach((upperBound, index) => {
        cumulative += counts.buckets[index] as number;
        values.push({
          value: cumulative,
          labels: { le: upperBound },
          sharedLabels: counts.labels,
          metricName: bucketName,
          exemplar: null,
        });
      });
      values.push(
        {
          value: counts.count,
          labels: { le: '+Inf' },
          sharedLabels: counts.labels,
          metricName: bucketName,
          exemplar: null,
        },
        { value: counts.sum, labels: {}, sharedLabels: counts.labels, metricName: `${name}_sum` },
        {
          value: counts.count,
          labels: {},
          sharedLabels: counts.labels,
          metricName: `${name}_count`,
        },
      );
    }
    // prom-client's histogram type and default aggregator.
    return { name, help: this.metricHelp, type: 'histogram', values, aggregator: 'sum' };
  }

  /** The JSON form (`registry.getMetricsAsJSON`): each value's labels with its series' own. */
  override async get(): ReturnType<Histogram<L>['get']> {
    const data = this.getForPromString();
    const json = {
      ...data,
      values: data.values.map(({ sharedLabels, labels, ...rest }) => ({
        ...rest,
        labels: { ...labels, ...sharedLabels },
      })),
    };
    // What prom-client's own histogram returns at run time; its declarations type `type` as an
    // enum and ask for a `collect` that this object (like theirs) does not carry.
    return json as unknown as Awaited<ReturnType<Histogram<L>['get']>>;
  }

  /**
   * Back to zero in place: callers hold their series, and what they observe after a reset must
   * still count (prom-client's own children re-create their entry on the next observe).
   */
  override reset(): void {
    super.reset();
    // prom-client's constructor calls reset() too, before this class's fields exist.
    const counted = this.counted as Map<string, SeriesCounts> | undefined;
    if (counted === undefined) return;
    for (const counts of counted.values()) {
      counts.buckets.fill(0);
      counts.sum = 0;
      counts.count = 0;
    }
  }
}
