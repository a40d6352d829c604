import type { Registry } from 'prom-client';

/**
 * Metrics for code on every request (a DNS query, an auth check). prom-client's `inc(labels)`
 * and `observe()` hash and validate a label object on every call: measured at 3-4 us each
 * inside a loaded server, a quarter of a whole check. Here each label set is a child object
 * made once; counting is a field increment, and prom-client reads the numbers only when
 * /metrics is scraped (through its registry, so default labels and the format stay its own).
 * Label sets never counted are not listed.
 */
export type Labels = Record<string, string>;

export interface HotCounter {
  /** The child for one label set; keep it, it is the cheap handle. */
  child(labels: Labels): { inc(value?: number): void };
  /**
   * The child for label values given in `labelNames` order, for label sets only known per
   * request (a check's reason and policy): found through one Map per label, no key string built.
   */
  of(...values: string[]): { inc(value?: number): void };
}

export interface HotHistogram {
  child(labels: Labels): { observe(value: number): void };
}

interface Sample {
  labels: Record<string, string | number>;
  value: number;
  metricName?: string;
}

function register(
  registry: Registry,
  name: string,
  help: string,
  type: 'counter' | 'histogram',
  values: () => Sample[],
): void {
  const get = async () => ({ name, help, type, aggregator: 'sum' as const, values: values() });
  registry.registerMetric({ name, help, type, aggregator: 'sum', get, reset: () => undefined } as never);
}

/** One label set's key in a metric's map of series: the same labels in any order, the same key. */
const labelsKey = (labels: Labels): string => JSON.stringify(Object.entries(labels).sort());

export function hotCounter(
  registry: Registry,
  name: string,
  help: string,
  labelNames: readonly string[] = [],
): HotCounter {
  type Child = { labels: Labels; value: number; inc(value?: number): void };
  const children = new Map<string, Child>();
  register(registry, name, help, 'counter', () =>
    [...children.values()].filter((c) => c.value > 0).map((c) => ({ labels: c.labels, value: c.value })),
  );
  // Nested Maps, one level per label name; the last level holds the child.
  const byValues = new Map<string, unknown>();
  const counter: HotCounter = {
    of(...values) {
      let level = byValues;
      for (let i = 0; i < values.length - 1; i += 1) {
        const v = values[i] as string;
        let next = level.get(v) as Map<string, unknown> | undefined;
        if (!next) {
          next = new Map();
          level.set(v, next);
        }
        level = next;
      }
      const last = values[values.length - 1] as string;
      let child = level.get(last) as Child | undefined;
      if (!child) {
        child = counter.child(
          Object.fromEntries(labelNames.map((n, i) => [n, values[i] as string])),
        ) as Child;
        level.set(last, child);
      }
      return child;
    },
    child(labels) {
      const key = labelsKey(labels);
      let child = children.get(key);
      if (!child) {
        const made = {
          labels: { ...labels },
          value: 0,
          inc(value = 1) {
            made.value += value;
          },
        };
        child = made;
        children.set(key, child);
      }
      return child;
    },
  };
  return counter;
}

export function hotHistogram(
  registry: Registry,
  name: string,
  help: string,
  buckets: readonly number[],
): HotHistogram {
  const bounds = Float64Array.from(buckets);
  const children = new Map<string, { labels: Labels; counts: Float64Array; sum: number; count: number }>();
  register(registry, name, help, 'histogram', () => {
    const out: Sample[] = [];
    for (const c of children.values()) {
      if (c.count === 0) continue;
      let cumulative = 0;
      bounds.forEach((le, i) => {
        cumulative += c.counts[i] ?? 0;
        out.push({ labels: { le, ...c.labels }, value: cumulative, metricName: `${name}_bucket` });
      });
      out.push({ labels: { le: '+Inf', ...c.labels }, value: c.count, metricName: `${name}_bucket` });
      out.push({ labels: c.labels, value: c.sum, metricName: `${name}_sum` });
      out.push({ labels: c.labels, value: c.count, metricName: `${name}_count` });
    }
    return out;
  });
  return {
    child(labels) {
      const key = labelsKey(labels);
      let state = children.get(key);
      if (!state) {
        state = { labels: { ...labels }, counts: new Float64Array(bounds.length + 1), sum: 0, count: 0 };
        children.set(key, state);
      }
      const s = state;
      return {
        observe(value) {
          let i = 0;
          while (i < bounds.length && value > (bounds[i] as number)) i += 1;
          s.counts[i] = (s.counts[i] as number) + 1;
          s.sum += value;
          s.count += 1;
        },
      };
    },
  };
}
