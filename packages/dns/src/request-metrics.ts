import { hotCounter, hotHistogram, type Registry } from '@horizon/shared';
import type { RequestObserver } from './respond.ts';
import { RCODE_NAME, TYPE, TYPE_NAME } from './wire/constants.ts';

// Per-request metrics on the hot path are shared's hot metrics: a field increment per count,
// read by prom-client only when /metrics is scraped. (prom-client's own labels() and observe()
// hash a label object per call: measured at a quarter of the authoritative path's throughput.)
// Names and labels mirror CoreDNS's coredns_dns_requests_total, _responses_total and
// _request_duration_seconds.

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
  const requests = hotCounter(
    registry,
    'horizon_dns_requests_total',
    'DNS requests, by transport, address family and query type.',
  );
  const responses = hotCounter(
    registry,
    'horizon_dns_responses_total',
    'DNS responses, by rcode (dropped: no answer sent).',
  );
  const duration = hotHistogram(
    registry,
    'horizon_dns_request_duration_seconds',
    'Time to answer a request, by query type.',
    DURATION_BUCKETS,
  );
  // Every label set made up front, found by index on the hot path.
  const byRequest = PROTOS.flatMap((proto) =>
    ['1', '2'].flatMap((family) => TYPE_LABELS.map((type) => requests.child({ proto, family, type }))),
  );
  const byRcode = [...RCODES.map((r) => RCODE_NAME[r] ?? String(r)), 'other', 'dropped'].map((rcode) =>
    responses.child({ rcode }),
  );
  const byType = TYPE_LABELS.map((type) => duration.child({ type }));

  return {
    count(type, proto, family, rcode, seconds) {
      const t = type === undefined ? UNKNOWN : (TYPE_INDEX.get(type) ?? OTHER);
      byRequest[((proto === 'udp' ? 0 : 1) * 2 + (family === 4 ? 0 : 1)) * T + t]?.inc();
      const r = rcode < 0 ? RCODES.length + 1 : RCODES.indexOf(rcode);
      byRcode[r < 0 ? RCODES.length : r]?.inc();
      byType[t]?.observe(seconds);
    },
  };
}

/** The server's per-request metrics as its observer (respond.ts calls it once per request). */
export function createRequestObserver(registry: Registry): RequestObserver {
  const requests = createRequestMetrics(registry);
  return (q, transport, family, response, started) =>
    requests.count(
      q?.type,
      transport,
      family,
      response ? (response[3] ?? 0) & 0xf : -1,
      (performance.now() - started) / 1000,
    );
}
