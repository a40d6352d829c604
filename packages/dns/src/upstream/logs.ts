import type { Clock, Logger } from '@horizon/shared';
import { PROBE_AFTER_MS, type Upstream } from './pool.ts';
import type { DotEvents } from './tls.ts';

/**
 * What happens to the upstreams, said as it happens: an upstream going down and coming back up
 * (at most one of each per probe interval, per pool: a pool whose only upstream fails most
 * queries flips with every answer it still gives), and the first REFUSED from each upstream
 * address, whichever pool it is in (one line per configured upstream at most). `pool` is the
 * config key the pool comes from: `forward`, `zoneMiss`, `forward.rules[0]`.
 */
export function healthLog(log: Logger, clock: Clock) {
  const refusedSaid = new Set<string>();
  const lastSaid = new Map<string, number>(); // pool|upstream|event -> when; bounded by the config
  return (u: Upstream, event: 'down' | 'up' | 'refused', pool: string) => {
    const fields = { upstream: u.label, pool };
    if (event !== 'refused') {
      const key = `${pool}|${u.label}|${event}`;
      const last = lastSaid.get(key);
      if (last !== undefined && clock.now() - last < PROBE_AFTER_MS) return;
      lastSaid.set(key, clock.now());
    }
    if (event === 'down') {
      log.warn(
        { ...fields, failures: u.consecutiveFailures },
        `upstream down after ${u.consecutiveFailures} failures in a row: tried after the others, one query probes it every ${PROBE_AFTER_MS / 1000} s`,
      );
    } else if (event === 'up') {
      log.info(fields, 'upstream back up: a probe query was answered');
    } else if (!refusedSaid.has(u.label)) {
      refusedSaid.add(u.label);
      log.warn(
        fields,
        'upstream answered REFUSED: it does not resolve for Horizon (check its access rules); said once per upstream',
      );
    }
  };
}

/** Why a DoT connection ended, in the log: only the ends that say something is wrong. */
const DOT_TROUBLE: Partial<Record<string, string>> = {
  peer: 'the DNS-over-TLS upstream closed the connection with queries unanswered',
  stalled: 'the DNS-over-TLS upstream answered nothing on the connection within the timeout: closed it',
  garbage: 'the DNS-over-TLS upstream sent something that is not a DNS response: closed the connection',
  error: 'the DNS-over-TLS connection failed',
};

/**
 * DNS over TLS in the log, beside its metrics (`metrics`): a handshake that fails (a certificate
 * that does not verify or does not name the upstream, a refused connection, no handshake in time)
 * and a connection that ends in trouble (closed with queries unanswered, stalled, garbage), each
 * at most once per upstream and cause per probe interval, so an upstream failing every query
 * writes a line every 2 s, not one per query. A clean close (idle, with nothing in flight) is
 * counted only.
 */
export function dotLog(log: Logger, clock: Clock, metrics: Required<DotEvents>): Required<DotEvents> {
  const lastSaid = new Map<string, number>(); // upstream|cause -> when; one entry per upstream and cause
  const say = (label: string, cause: string, fields: Record<string, unknown>, message: string) => {
    const key = `${label}|${cause}`;
    const now = clock.now();
    const last = lastSaid.get(key);
    if (last !== undefined && now - last < PROBE_AFTER_MS) return;
    lastSaid.set(key, now);
    log.warn({ upstream: label, ...fields }, message);
  };
  return {
    onOpen: metrics.onOpen,
    onUnmatched: metrics.onUnmatched,
    onHandshake(label, result, error) {
      metrics.onHandshake(label, result, error);
      if (result === 'failed' && error) {
        say(
          label,
          `handshake:${error.code}`,
          { code: error.code, err: error.message },
          'DNS-over-TLS connection failed',
        );
      }
    },
    onClose(label, reason, unanswered) {
      metrics.onClose(label, reason, unanswered);
      const trouble = DOT_TROUBLE[reason];
      if (trouble && (reason !== 'peer' || unanswered > 0)) say(label, reason, { unanswered }, trouble);
    },
  };
}
