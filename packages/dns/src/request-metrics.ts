import type { Registry } from 'prom-client';
import { RCODE_NAME, TYPE, TYPE_NAME } from './wire/constants.ts';

// Per-request metrics on the hot path cost a few typed-array increments; prom-client reads them
// only when /metrics is scraped. (prom-client's own labels() and observe() hash a label object per
// call: measured at a quarter of the authoritative path's throughput.) Names and labels mirror
// CoreDNS's coredns_dns_requests_total, _responses_total and _request_duration_seconds.

export const DURATION_BUCKETS = [
  0.00025, 0.0005, 0.001, 0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.128, 0.256, 0.512, 1.024, 2.048, 4.096,
  8.192,
];

/** Query types with their own label value; the rest count as "other" (CoreDNS does the same). */
const TYPES = [
  TYPE.A,
  TYPE.AAAA,
  TYPE.HTTPS,
  TYPE.SVCB,
  TYPE.PTR,
  TYPE.SOA,
  TYPE.NS,
  TYPE.TXT,
  TYPE.MX,
  TYPE.CAA,
  TYPE.CNAME,
  TYPE.ANY,
];
const TYPE_LABELS = [...TYPES.map((t) => TYPE_NAME[t] ?? String(t)), 'other', 'unknown'];
const OTHER = TYPES.length;
const UNKNOWN = TYPES.length + 1;
const TYPE_INDEX = new Map<number, number>(TYPES.map((t, i) => [t, i]));
const PROTOS = ['udp', 'tcp'] as const;
const RCODES = [0, 1, 2, 3, 4, 5, 9, 16]; // 9: NOTAUTH, 16: BADVERS; -1 (dropped) is the last slot

export interface RequestCounters {
  /** Counts one request: its type (undefined: unparsable), transport, family, rcode (-1: no answer), duration. */
  count(type: number | undefined, proto: 'udp' | 'tcp', family: 4 | 6, rcode: number, seconds: number): void;
}

export function createRequestMetrics(registry: Registry): RequestCounters {
  const T = TYPE_LABELS.length;
  const requests = new Float64Array(PROTOS.length * 2 * T);
  const responses = new Float64Array(RCODES.length + 2);
  const buckets = new Float64Array(T * (DURATION_BUCKETS.length + 1));
  const sums = new Float64Array(T);
  const counts = new Float64Array(T);

  const metric = (
    name: string,
    help: string,
    type: 'counter' | 'histogram',
    values: () => { labels: Record<string, string | number>; value: number; metricName?: string }[],
  ) => {
    registry.registerMetric({
      name,
      help,
      type,
      aggregator: 'sum',
      get: async () => ({
        name,
        help,
        type,
        aggregator: 'sum',
        values: values(), // the registry adds its default labels (service) itself
      }),
      reset: () => undefined,
    } as never);
  };
  metric(
    'horizon_dns_requests_total',
    'DNS requests, by transport, address family and query type.',
    'counter',
    () => {
      const out = [];
      for (let p = 0; p < PROTOS.length; p += 1)
        for (let f = 0; f < 2; f += 1)
          for (let t = 0; t < T; t += 1) {
            const value = requests[(p * 2 + f) * T + t] ?? 0;
            if (value > 0)
              out.push({
                labels: {
                  proto: PROTOS[p] as string,
                  family: f === 0 ? '1' : '2',
                  type: TYPE_LABELS[t] as string,
                },
                value,
              });
          }
      return out;
    },
  );
  metric('horizon_dns_responses_total', 'DNS responses, by rcode (dropped: no answer sent).', 'counter', () =>
    [...responses].flatMap((value, i) =>
      value > 0
        ? [
            {
              labels: {
                rcode:
                  i < RCODES.length
                    ? (RCODE_NAME[RCODES[i] ?? 0] ?? String(RCODES[i]))
                    : i === RCODES.length
                      ? 'other'
                      : 'dropped',
              },
              value,
            },
          ]
        : [],
    ),
  );
  metric(
    'horizon_dns_request_duration_seconds',
    'Time to answer a request, by query type.',
    'histogram',
    () => {
      const out: { labels: Record<string, string | number>; value: number; metricName: string }[] = [];
      for (let t = 0; t < T; t += 1) {
        if ((counts[t] ?? 0) === 0) continue;
        let cumulative = 0;
        DURATION_BUCKETS.forEach((le, b) => {
          cumulative += buckets[t * (DURATION_BUCKETS.length + 1) + b] ?? 0;
          out.push({
            labels: { le, type: TYPE_LABELS[t] as string },
            value: cumulative,
            metricName: 'horizon_dns_request_duration_seconds_bucket',
          });
        });
        out.push({
          labels: { le: '+Inf', type: TYPE_LABELS[t] as string },
          value: counts[t] ?? 0,
          metricName: 'horizon_dns_request_duration_seconds_bucket',
        });
        out.push({
          labels: { type: TYPE_LABELS[t] as string },
          value: sums[t] ?? 0,
          metricName: 'horizon_dns_request_duration_seconds_sum',
        });
        out.push({
          labels: { type: TYPE_LABELS[t] as string },
          value: counts[t] ?? 0,
          metricName: 'horizon_dns_request_duration_seconds_count',
        });
      }
      return out;
    },
  );

  return {
    count(type, proto, family, rcode, seconds) {
      const t = type === undefined ? UNKNOWN : (TYPE_INDEX.get(type) ?? OTHER);
      add(requests, ((proto === 'udp' ? 0 : 1) * 2 + (family === 4 ? 0 : 1)) * T + t, 1);
      const r = rcode < 0 ? RCODES.length + 1 : RCODES.indexOf(rcode);
      add(responses, r < 0 ? RCODES.length : r, 1);
      let b = 0;
      while (b < DURATION_BUCKETS.length && seconds > (DURATION_BUCKETS[b] ?? 0)) b += 1;
      add(buckets, t * (DURATION_BUCKETS.length + 1) + b, 1);
      add(sums, t, seconds);
      add(counts, t, 1);
    },
  };
}

function add(array: Float64Array, index: number, value: number): void {
  array[index] = (array[index] ?? 0) + value;
}
