import type { Clock, Logger, Registry } from '@horizon/shared';
import type { DnsSettings } from '../settings.ts';
import type { Query } from '../wire/query.ts';
import { createExchanger, type Exchanger } from './exchange.ts';
import { upstreamMetrics } from './metrics.ts';
import { createUpstreamPool, PROBE_AFTER_MS, type Upstream, type UpstreamPool } from './pool.ts';

/** The service's upstream pools, as the handlers ask for them. */
export interface Upstreams {
  /** The pool a query leaves through: the zone-miss pool for a zone miss, else the general one; undefined: not forwarded. */
  poolFor(q: Query): UpstreamPool | undefined;
  /** Names outside our zones are forwarded: recursion is available (RA). */
  readonly recursive: boolean;
  /** Anything is forwarded at all. */
  readonly forwarding: boolean;
  /** Ends every exchange in flight and releases its socket. */
  close(): void;
}

export interface UpstreamsOptions {
  settings: Pick<DnsSettings, 'forward' | 'zoneMiss'>;
  registry: Registry;
  logger: Logger;
  clock: Clock;
  /** Upstream I/O. Default: a socket per query (exchange.ts); tests may pass their own. */
  exchanger?: Exchanger | undefined;
  /** Wraps the zone-miss pool: the loop guard marks every query that leaves through it. */
  wrapZoneMiss?: (pool: UpstreamPool) => UpstreamPool;
}

/**
 * The general pool (`forward.upstreams`: names outside our zones) and the zone-miss pool
 * (`zoneMiss.upstreams`, in mode `forward`: our names with no route), over one exchanger, with
 * their metrics. A pool with no servers does not exist: its queries are not forwarded.
 */
export function createUpstreams(o: UpstreamsOptions): Upstreams {
  const metrics = upstreamMetrics(o.registry);
  const exchanger =
    o.exchanger ?? createExchanger({ onSpoofed: () => metrics.spoofed.inc(), clock: o.clock });
  const { forward, zoneMiss } = o.settings;
  const onHealth = healthLog(o.logger.child({ component: 'upstream' }));
  const poolOf = (servers: DnsSettings['forward']['upstreams'], name: PoolName): UpstreamPool | undefined => {
    if (servers.length === 0) return undefined;
    const pool = createUpstreamPool({
      servers,
      policy: forward.policy,
      timeoutMs: forward.timeoutMs,
      failuresBeforeDown: forward.failuresBeforeDown,
      exchanger,
      now: o.clock.now,
      onAttempt: metrics.attempt,
      onHealth: (u, event) => onHealth(u, event, name),
    });
    metrics.track(pool);
    return pool;
  };
  const general = poolOf(forward.upstreams, 'forward');
  const missPool = zoneMiss.mode === 'forward' ? poolOf(zoneMiss.upstreams, 'zoneMiss') : undefined;
  const misses = missPool && o.wrapZoneMiss ? o.wrapZoneMiss(missPool) : missPool;
  return {
    poolFor: (q) => (q.zoneMiss ? misses : general),
    recursive: general !== undefined,
    forwarding: general !== undefined || misses !== undefined,
    close: () => exchanger.close(),
  };
}

/** The config section a pool comes from, named in its log lines. */
type PoolName = 'forward' | 'zoneMiss';

/**
 * What happens to the upstreams, said as it happens: an upstream going down and coming back up
 * (at most one of each per probe interval, per pool), and the first REFUSED from each upstream
 * address, whichever pool it is in (one line per configured upstream at most).
 */
function healthLog(log: Logger) {
  const refusedSaid = new Set<string>();
  return (u: Upstream, event: 'down' | 'up' | 'refused', pool: PoolName) => {
    const fields = { upstream: u.label, pool };
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
