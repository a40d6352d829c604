import { HorizonError, type Logger } from '@horizon/shared';
import { dnsError } from '../errors.ts';
import { hostPortText } from '../settings.ts';
import { RCODE } from '../wire/constants.ts';
import { isTruncated, rcodeOf } from '../wire/message.ts';
import type { Exchanger } from './exchange.ts';

/** One upstream resolver and what we know of its health. */
export interface Upstream {
  host: string;
  port: number;
  label: string;
  consecutiveFailures: number;
  /** While down, it is tried only after every healthy one, or when its probe time comes. */
  down: boolean;
  nextProbeAt: number;
}

export interface PoolOptions {
  servers: readonly { host: string; port: number }[];
  policy: 'sequential' | 'random' | 'round_robin';
  timeoutMs: number;
  failuresBeforeDown: number;
  exchanger: Exchanger;
  now?: () => number;
  random?: () => number;
  onAttempt?: (upstream: Upstream, outcome: 'ok' | 'timeout' | 'rcode' | 'error', seconds: number) => void;
  /** Where an upstream's changes of state are said: down, back up, and its first REFUSED. */
  logger?: Logger;
}

export interface UpstreamPool {
  readonly upstreams: readonly Upstream[];
  /** Resolves with the first good reply (NOERROR or NXDOMAIN), trying upstreams in policy order. */
  exchange(query: Buffer): Promise<Buffer>;
  /** True while every upstream is down (until a probe brings one back). */
  allDown(): boolean;
}

const PROBE_AFTER_MS = 2_000;

/**
 * Fail-over across upstreams: a timeout, an error, SERVFAIL or REFUSED moves on to the next one; a
 * truncated UDP reply is retried over TCP on the same upstream. After `failuresBeforeDown`
 * consecutive failures an upstream is down: it goes last, and every 2 s one live query probes it
 * first; a success brings it back (a circuit breaker, with real traffic as the probe).
 */
export function createUpstreamPool(o: PoolOptions): UpstreamPool {
  const now = o.now ?? (() => performance.now());
  const random = o.random ?? Math.random;
  const upstreams: Upstream[] = o.servers.map((s) => ({
    ...s,
    label: hostPortText(s.host, s.port),
    consecutiveFailures: 0,
    down: false,
    nextProbeAt: 0,
  }));
  let turn = 0;
  const refusedSaid = new Set<Upstream>(); // at most one line per upstream: the set holds the config's

  const order = (): Upstream[] => {
    let list = [...upstreams];
    if (o.policy === 'random') list.sort(() => random() - 0.5);
    if (o.policy === 'round_robin') {
      const start = turn++ % list.length;
      list = [...list.slice(start), ...list.slice(0, start)];
    }
    const t = now();
    const probe = list.find((u) => u.down && t >= u.nextProbeAt);
    if (probe) probe.nextProbeAt = t + PROBE_AFTER_MS;
    const healthy = list.filter((u) => !u.down);
    const down = list.filter((u) => u.down && u !== probe);
    return probe ? [probe, ...healthy, ...down] : [...healthy, ...down];
  };

  // A change of state is said once as it happens: at most a down and an up per probe interval.
  const record = (u: Upstream, ok: boolean) => {
    if (ok) {
      if (u.down) o.logger?.info({ upstream: u.label }, 'upstream back up: a probe query was answered');
      u.consecutiveFailures = 0;
      u.down = false;
      return;
    }
    u.consecutiveFailures += 1;
    if (!u.down && u.consecutiveFailures >= o.failuresBeforeDown) {
      u.down = true;
      u.nextProbeAt = now() + PROBE_AFTER_MS;
      o.logger?.warn(
        { upstream: u.label, failures: u.consecutiveFailures },
        `upstream down after ${u.consecutiveFailures} failures in a row: tried after the others, one query probes it every ${PROBE_AFTER_MS / 1000} s`,
      );
    }
  };
  /** An upstream that refuses us is misconfigured (its access rules), not down: said once, by name. */
  const refused = (u: Upstream) => {
    if (refusedSaid.has(u)) return;
    refusedSaid.add(u);
    o.logger?.warn(
      { upstream: u.label },
      'upstream answered REFUSED: it does not resolve for Horizon (check its access rules); said once per upstream',
    );
  };

  const attempt = async (u: Upstream, query: Buffer): Promise<Buffer> => {
    const started = now();
    try {
      let reply = await o.exchanger.udp(u.host, u.port, query, o.timeoutMs);
      if (isTruncated(reply)) reply = await o.exchanger.tcp(u.host, u.port, query, o.timeoutMs);
      const rcode = rcodeOf(reply);
      if (rcode === RCODE.SERVFAIL || rcode === RCODE.REFUSED) {
        if (rcode === RCODE.REFUSED) refused(u);
        o.onAttempt?.(u, 'rcode', (now() - started) / 1000);
        throw dnsError('E_UPSTREAM_RCODE', `${u.label} answered rcode ${rcode}`);
      }
      o.onAttempt?.(u, 'ok', (now() - started) / 1000);
      return reply;
    } catch (err) {
      if (!(err instanceof HorizonError && err.code === 'E_UPSTREAM_RCODE')) {
        const timeout = err instanceof HorizonError && err.code === 'E_UPSTREAM_TIMEOUT';
        o.onAttempt?.(u, timeout ? 'timeout' : 'error', (now() - started) / 1000);
      }
      throw err;
    }
  };

  return {
    upstreams,
    allDown: () => upstreams.every((u) => u.down),
    async exchange(query) {
      let last: unknown;
      for (const u of order()) {
        try {
          const reply = await attempt(u, query);
          record(u, true);
          return reply;
        } catch (err) {
          record(u, false);
          last = err;
        }
      }
      throw dnsError('E_ALL_UPSTREAMS_FAILED', 'every upstream failed', last);
    },
  };
}
