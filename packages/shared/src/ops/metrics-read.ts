import type { Registry } from 'prom-client';

/** One series of a metric as prom-client reports it. */
export interface MetricSample {
  labels: Record<string, string | number>;
  value: number;
  metricName?: string;
}

/**
 * A metric's series as `/metrics` would show them, for a status page: the page reads what the
 * service already counts for Prometheus, so a number has one home and the query path does no
 * extra work for the page. An unknown name reads as no series.
 */
export async function metricSamples(registry: Registry, name: string): Promise<MetricSample[]> {
  const metric = registry.getSingleMetric(name);
  if (!metric) return [];
  const got = (await metric.get()) as { values: MetricSample[] };
  return got.values;
}

/** The sum of a metric's series whose labels include `match` (a counter's total, say). */
export async function metricTotal(
  registry: Registry,
  name: string,
  match: Record<string, string> = {},
): Promise<number> {
  const wanted = Object.entries(match);
  let sum = 0;
  for (const s of await metricSamples(registry, name)) {
    // Histograms report _bucket, _sum and _count series under one name: only plain ones count here.
    if (s.metricName !== undefined && s.metricName !== name) continue;
    if (wanted.every(([k, v]) => String(s.labels[k]) === v)) sum += s.value;
  }
  return sum;
}
