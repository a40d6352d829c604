import type { Clock, Logger, Registry } from '@horizon/shared';
import type { DnsSettings } from '../settings.ts';
import type { Query } from '../wire/query.ts';
import { createExchanger, type Exchanger } from './exchange.ts';
import { upstreamMetrics } from './metrics.ts';
import { createUpstreamPool, type UpstreamPool } from './pool.ts';

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
  const logger = o.logger.child({ component: 'upstream' });
  const poolOf = (servers: DnsSettings['forward']['upstreams']): UpstreamPool | undefined => {
    if (servers.length === 0) return undefined;
    const pool = createUpstreamPool({
      servers,
      policy: forward.policy,
      timeoutMs: forward.timeoutMs,
      failuresBeforeDown: forward.failuresBeforeDown,
      exchanger,
      now: o.clock.now,
      onAttempt: metrics.attempt,
      logger,
    });
    metrics.track(pool);
    return pool;
  };
  const general = poolOf(forward.upstreams);
  const missPool = zoneMiss.mode === 'forward' ? poolOf(zoneMiss.upstreams) : undefined;
  const misses = missPool && o.wrapZoneMiss ? o.wrapZoneMiss(missPool) : missPool;
  return {
    poolFor: (q) => (q.zoneMiss ? misses : general),
    recursive: general !== undefined,
    forwarding: general !== undefined || misses !== undefined,
    close: () => exchanger.close(),
  };
}
