import { Counter, Histogram, type Registry } from 'prom-client';

/**
 * The auth service's metrics. Names follow oauth2-proxy's and Envoy's vocabulary where they
 * overlap (decisions by reason); the check duration histogram is in seconds with sub-millisecond
 * buckets, because a check sits in front of every request.
 */
export function createAuthMetrics(registry: Registry) {
  const registers = [registry];
  return {
    checks: new Counter({
      name: 'horizon_authproxy_checks_total',
      help: 'Checks answered, by decision (allow, redirect, deny), reason and policy.',
      labelNames: ['decision', 'reason', 'policy'],
      registers,
    }),
    duration: new Histogram({
      name: 'horizon_authproxy_check_duration_seconds',
      help: 'Time to answer a check.',
      buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05, 0.25, 1, 5],
      registers,
    }),
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
