import { hotCounter, hotHistogram } from '@horizon/shared';
import { Counter, Gauge, type Registry } from 'prom-client';

/**
 * The auth service's metrics. Names follow oauth2-proxy's and Envoy's vocabulary where they
 * overlap (decisions by reason); the check duration histogram is in seconds with sub-millisecond
 * buckets, because a check sits in front of every request. The two counted on every check are
 * shared's hot metrics (a field increment each); the rest are plain prom-client.
 */
export function createAuthMetrics(registry: Registry) {
  const registers = [registry];
  return {
    checks: hotCounter(
      registry,
      'horizon_authproxy_checks_total',
      'Checks answered, by decision (allow, redirect, deny), reason and policy.',
      ['decision', 'reason', 'policy'],
    ),
    duration: hotHistogram(
      registry,
      'horizon_authproxy_check_duration_seconds',
      'Time to answer a check.',
      [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05, 0.25, 1, 5],
    ).child({}),
    logins: new Counter({
      name: 'horizon_authproxy_logins_total',
      help: 'Logins finished at the callback, by result (ok, replayed, or an error code).',
      labelNames: ['result'],
      registers,
    }),
    refreshes: new Counter({
      name: 'horizon_authproxy_refreshes_total',
      help: 'Session re-validations at the provider (Redis store), by result.',
      labelNames: ['result'],
      registers,
    }),
    misconfigured: new Counter({
      name: 'horizon_authproxy_checks_without_headers_total',
      help: 'Checks that arrived without the headers a login needs (add them to headersToExtAuth).',
      registers,
    }),
  };
}

export type AuthMetrics = ReturnType<typeof createAuthMetrics>;

/** Counts one answered check (decision by status, reason, policy) and its duration. */
export function createCheckRecorder(metrics: AuthMetrics) {
  return <R extends { status: number; reason: string }>(reply: R, policy: string, started: number): R => {
    const decision = reply.status === 200 ? 'allow' : reply.status === 302 ? 'redirect' : 'deny';
    metrics.checks.of(decision, reply.reason, policy).inc();
    metrics.duration.observe((performance.now() - started) / 1000);
    return reply;
  };
}

/** `horizon_authproxy_session_store_up`: 1 while store calls go through, 0 while the breaker fails them at once. */
export function storeUpGauge(registry: Registry, available: () => boolean): void {
  new Gauge({
    name: 'horizon_authproxy_session_store_up',
    help: 'Whether the session store (Redis) is used: 0 while checks fail at once after store failures.',
    registers: [registry],
    collect() {
      this.set(available() ? 1 : 0);
    },
  });
}
