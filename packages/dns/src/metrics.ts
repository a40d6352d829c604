import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { RequestObserver } from './server.ts';
import { RCODE_NAME, TYPE_NAME } from './wire/constants.ts';

// Names mirror CoreDNS's (coredns_dns_*, coredns_cache_*, coredns_forward_*) with our prefix and
// the same labels where the concept is the same, so existing dashboards need only a rename.
const DURATION_BUCKETS = [
  0.00025, 0.0005, 0.001, 0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.128, 0.256, 0.512, 1.024, 2.048, 4.096,
  8.192,
];

/** The DNS service's metrics, defined beside the code that counts them, on the service's registry. */
export function createDnsMetrics(registry: Registry) {
  const registers = [registry];
  const requests = new Counter({
    name: 'horizon_dns_requests_total',
    help: 'DNS requests, by transport, address family and query type.',
    labelNames: ['proto', 'family', 'type'],
    registers,
  });
  const responses = new Counter({
    name: 'horizon_dns_responses_total',
    help: 'DNS responses, by rcode.',
    labelNames: ['rcode'],
    registers,
  });
  const duration = new Histogram({
    name: 'horizon_dns_request_duration_seconds',
    help: 'Time to answer a request.',
    labelNames: ['type'],
    buckets: DURATION_BUCKETS,
    registers,
  });
  const cache = {
    hits: new Counter({ name: 'horizon_dns_cache_hits_total', help: 'Cache hits.', registers }),
    misses: new Counter({ name: 'horizon_dns_cache_misses_total', help: 'Cache misses.', registers }),
    stale: new Counter({
      name: 'horizon_dns_cache_served_stale_total',
      help: 'Expired answers served because every upstream failed (RFC 8767).',
      registers,
    }),
    prefetch: new Counter({
      name: 'horizon_dns_cache_prefetch_total',
      help: 'Popular entries refreshed before they expired.',
      registers,
    }),
  };
  const forward = {
    requests: new Counter({
      name: 'horizon_dns_forward_requests_total',
      help: 'Queries sent upstream, by upstream.',
      labelNames: ['to'],
      registers,
    }),
    failures: new Counter({
      name: 'horizon_dns_forward_failures_total',
      help: 'Upstream attempts that failed, by upstream and reason (timeout, rcode, error).',
      labelNames: ['to', 'reason'],
      registers,
    }),
    duration: new Histogram({
      name: 'horizon_dns_forward_request_duration_seconds',
      help: 'Time of an upstream attempt.',
      labelNames: ['to'],
      buckets: DURATION_BUCKETS,
      registers,
    }),
    healthy: new Gauge({
      name: 'horizon_dns_forward_upstream_healthy',
      help: '1 while the upstream is in service, 0 while it is down.',
      labelNames: ['to'],
      registers,
    }),
    overload: new Counter({
      name: 'horizon_dns_forward_overload_total',
      help: 'Forwards refused with SERVFAIL because too many were in flight.',
      registers,
    }),
    loops: new Counter({
      name: 'horizon_dns_forward_loops_total',
      help: 'Zone-miss queries of ours that came back to us (a forwarding loop).',
      registers,
    }),
    spoofed: new Counter({
      name: 'horizon_dns_forward_unmatched_replies_total',
      help: 'Upstream replies dropped: wrong source, ID or question.',
      registers,
    }),
  };
  const acl = new Counter({
    name: 'horizon_dns_acl_refused_total',
    help: 'Requests refused because the client is outside the allowed ranges.',
    registers,
  });
  const index = {
    names: new Gauge({
      name: 'horizon_dns_index_names',
      help: 'Names answered from the HTTPRoute index.',
      registers,
    }),
    generation: new Gauge({
      name: 'horizon_dns_index_generation',
      help: 'Generation of the index (the SOA serial).',
      registers,
    }),
    builtAt: new Gauge({
      name: 'horizon_dns_index_last_build_timestamp_seconds',
      help: 'When the index was last rebuilt.',
      registers,
    }),
  };

  // Label children are looked up once per combination, not per request (prom-client hashes labels).
  const children = new Map<string, { inc(): void }>();
  const child = (key: string, make: () => { inc(): void }) => {
    let c = children.get(key);
    if (!c) {
      c = make();
      children.set(key, c);
    }
    return c;
  };
  const observe: RequestObserver = (q, transport, family, response, started) => {
    const type = q ? (TYPE_NAME[q.type] ?? String(q.type)) : 'unknown';
    child(`q/${transport}/${family}/${type}`, () => requests.labels(transport, String(family), type)).inc();
    const rcode = response ? (response[3] ?? 0) & 0xf : -1;
    const rname = rcode < 0 ? 'dropped' : (RCODE_NAME[rcode] ?? String(rcode));
    child(`r/${rname}`, () => responses.labels(rname)).inc();
    duration.labels(type).observe((performance.now() - started) / 1000);
  };
  return { observe, cache, forward, acl, index };
}

export type DnsMetrics = ReturnType<typeof createDnsMetrics>;
