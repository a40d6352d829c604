import { hotCounter, hotHistogram, type Registry } from '@horizon/shared';

/**
 * Counts one answered check, by decision (from the status), reason and policy, and its duration.
 * Names follow oauth2-proxy's and Envoy's vocabulary where they overlap (decisions by reason);
 * the duration histogram is in seconds with sub-millisecond buckets, because a check sits in
 * front of every request. Both are shared's hot metrics: a field increment each.
 */
export type CheckRecorder = <R extends { status: number; reason: string }>(
  reply: R,
  policy: string,
  started: number,
) => R;

export function createCheckRecorder(registry: Registry): CheckRecorder {
  const checks = hotCounter(
    registry,
    'horizon_authproxy_checks_total',
    'Checks answered, by decision (allow, redirect, deny), reason and policy.',
    ['decision', 'reason', 'policy'],
  );
  const duration = hotHistogram(
    registry,
    'horizon_authproxy_check_duration_seconds',
    'Time to answer a check.',
    [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05, 0.25, 1, 5],
  ).child({});
  return (reply, policy, started) => {
    const decision = reply.status === 200 ? 'allow' : reply.status === 302 ? 'redirect' : 'deny';
    checks.of(decision, reply.reason, policy).inc();
    duration.observe((performance.now() - started) / 1000);
    return reply;
  };
}
