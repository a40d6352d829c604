import { Counter, type Registry } from 'prom-client';
import { createRequestMetrics } from './request-metrics.ts';
import type { RequestObserver } from './server.ts';

// Names mirror CoreDNS's (coredns_dns_*, coredns_cache_*, coredns_forward_*) with our prefix and
// the same labels where the concept is the same, so existing dashboards need only a rename.

/** The DNS service's metrics, defined beside the code that counts them, on the service's registry. */
export function createDnsMetrics(registry: Registry) {
  const registers = [registry];
  const requests = createRequestMetrics(registry);
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
    chased: new Counter({
      name: 'horizon_dns_forward_cname_chased_total',
      help: 'Forwarded answers whose CNAME led into our zones, completed from our own data.',
      registers,
    }),
  };
  const acl = new Counter({
    name: 'horizon_dns_acl_refused_total',
    help: 'Requests refused because the client is outside the allowed ranges.',
    registers,
  });
  const observe: RequestObserver = (q, transport, family, response, started) => {
    requests.count(
      q?.type,
      transport,
      family,
      response ? (response[3] ?? 0) & 0xf : -1,
      (performance.now() - started) / 1000,
    );
  };
  return { observe, cache, forward, acl };
}

export type DnsMetrics = ReturnType<typeof createDnsMetrics>;
