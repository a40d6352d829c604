import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { DURATION_BUCKETS } from '../request-metrics.ts';
import type { Upstream, UpstreamPool } from './pool.ts';

/**
 * The upstreams' metrics, named and labelled as CoreDNS's forward plugin's (coredns_forward_*)
 * under our prefix, `to` the upstream's address.
 */
export function upstreamMetrics(registry: Registry) {
  const registers = [registry];
  const requests = new Counter({
    name: 'horizon_dns_forward_requests_total',
    help: 'Queries sent upstream, by upstream.',
    labelNames: ['to'],
    registers,
  });
  const failures = new Counter({
    name: 'horizon_dns_forward_failures_total',
    help: 'Upstream attempts that failed, by upstream and reason (timeout, rcode, error).',
    labelNames: ['to', 'reason'],
    registers,
  });
  const duration = new Histogram({
    name: 'horizon_dns_forward_request_duration_seconds',
    help: 'Time of an upstream attempt.',
    labelNames: ['to'],
    buckets: DURATION_BUCKETS,
    registers,
  });
  const healthy = new Gauge({
    name: 'horizon_dns_forward_upstream_healthy',
    help: '1 while the upstream is in service, 0 while it is down.',
    labelNames: ['to'],
    registers,
  });
  const spoofed = new Counter({
    name: 'horizon_dns_forward_unmatched_replies_total',
    help: 'Upstream replies dropped: wrong source, ID or question.',
    registers,
  });
  return {
    spoofed,
    /** Starts reporting a pool's upstreams: each in service until it fails. */
    track(pool: UpstreamPool) {
      for (const u of pool.upstreams) healthy.labels(u.label).set(1);
    },
    /** Counts one attempt with one upstream (the pool's onAttempt). */
    attempt(u: Upstream, outcome: 'ok' | 'timeout' | 'rcode' | 'error', seconds: number) {
      requests.labels(u.label).inc();
      duration.labels(u.label).observe(seconds);
      if (outcome !== 'ok') failures.labels(u.label, outcome).inc();
      healthy.labels(u.label).set(u.down ? 0 : 1);
    },
  };
}
