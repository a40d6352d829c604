import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { DURATION_BUCKETS } from '../request-metrics.ts';
import type { Upstream, UpstreamPool } from './pool.ts';
import type { DotEvents } from './tls.ts';

/**
 * The upstreams' metrics, named and labelled as CoreDNS's forward plugin's (coredns_forward_*)
 * under our prefix, `to` the upstream's label (`host:port`, `tls://host:port`).
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
  // One upstream may serve several pools (the UDM in forward.upstreams and in a rule): it is in
  // service while no pool has it down.
  const tracked = new Map<string, Upstream[]>();
  new Gauge({
    name: 'horizon_dns_forward_upstream_healthy',
    help: '1 while the upstream is in service (in every pool that has it), 0 while it is down.',
    labelNames: ['to'],
    registers,
    collect() {
      for (const [label, copies] of tracked) this.labels(label).set(copies.some((u) => u.down) ? 0 : 1);
    },
  });
  const spoofed = new Counter({
    name: 'horizon_dns_forward_unmatched_replies_total',
    help: 'Upstream replies dropped: wrong source, ID or question.',
    registers,
  });
  return {
    spoofed,
    /** Starts reporting a pool's upstreams. */
    track(pool: UpstreamPool) {
      for (const u of pool.upstreams) tracked.set(u.label, [...(tracked.get(u.label) ?? []), u]);
    },
    /** Counts one attempt with one upstream (the pool's onAttempt). */
    attempt(u: Upstream, outcome: 'ok' | 'timeout' | 'rcode' | 'error', seconds: number) {
      requests.labels(u.label).inc();
      duration.labels(u.label).observe(seconds);
      if (outcome !== 'ok') failures.labels(u.label, outcome).inc();
    },
    dot: dotMetrics(registry, () => spoofed.inc()),
  };
}

/** DNS over TLS's connections (tls.ts): open, handshakes by result, closes by reason. */
function dotMetrics(registry: Registry, onUnmatched: () => void): Required<DotEvents> {
  const registers = [registry];
  const open = new Gauge({
    name: 'horizon_dns_forward_tls_connections',
    help: 'DNS-over-TLS connections open or opening, by upstream.',
    labelNames: ['to'],
    registers,
  });
  const handshakes = new Counter({
    name: 'horizon_dns_forward_tls_handshakes_total',
    help: 'DNS-over-TLS handshakes by upstream and result (new, resumed, failed).',
    labelNames: ['to', 'result'],
    registers,
  });
  const closed = new Counter({
    name: 'horizon_dns_forward_tls_closed_total',
    help: 'DNS-over-TLS connections closed, by upstream and reason (idle, peer, stalled, garbage, error, handshake, shutdown).',
    labelNames: ['to', 'reason'],
    registers,
  });
  return {
    onOpen: (label) => open.labels(label).inc(),
    onHandshake: (label, result) => handshakes.labels(label, result).inc(),
    onClose(label, reason) {
      open.labels(label).dec();
      closed.labels(label, reason).inc();
    },
    onUnmatched,
  };
}
