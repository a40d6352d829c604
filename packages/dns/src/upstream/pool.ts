import { HorizonError } from '@horizon/shared';
import { dnsError } from '../errors.ts';
import { RCODE } from '../wire/constants.ts';
import { isTruncated, rcodeOf } from '../wire/message.ts';
import { type UpstreamAddress, upstreamLabel } from './address.ts';
import type { Exchanger } from './exchange.ts';

/** One upstream resolver and what we know of its health. */
export interface Upstream extends UpstreamAddress {
  label: string;
  consecutiveFailures: number;
  /** While down, it is tried only after every healthy one, or when its probe time comes. */
  down: boolean;
  nextProbeAt: number;
}

export interface PoolOptions {
  servers: readonly UpstreamAddress[];
  policy: 'sequential' | 'random' | 'round_robin';
  timeoutMs: number;
  failuresBeforeDown: number;
  exchanger: Exchanger;
  now?: () => number;
  random?: () => number;
  onAttempt?: (upstream: Upstream, outcome: 'ok' | 'timeout' | 'rcode' | 'error', seconds: number) => void;
  /**
   * What happens to an upstream, as it happens: it goes down (`failuresBeforeDown` failures in a
   * row), comes back up (a probe was answered), or answers REFUSED (every time: it refuses us, which
   * is its access rules, not an outage).
   */
  onHealth?: (upstream: Upstream, event: 'down' | 'up' | 'refused') => void;
}

export interface UpstreamPool {
  readonly upstreams: readonly Upstream[];
  /** Resolves with the first good reply (NOERROR or NXDOMAIN), trying upstreams in policy order. */
  exchange(query: Buffer): Promise<Buffer>;
  /** True while every upstream is down (until a probe brings one back). */
  allDown(): boolean;
}

/** How often one live query probes an upstream that is down. */
export const PROBE_AFTER_MS = 2_000;

/**
 * Fail-over across upstreams: a timeout, an error, SERVFAIL or REFUSED moves on to the next one; a
 * truncated UDP reply is retried over TCP on the same upstream; a DNS-over-TLS upstream is asked
 * over its TLS connections (tls.ts). After `failuresBeforeDown`
 * consecutive failures an upstream is down: it goes last, and every 2 s one live query probes it
 * first; a success brings it back (a circuit breaker, with real traffic as the probe).
 */
export function createUpstreamPool(o: PoolOptions): UpstreamPool {
  const now = o.now ?? (() => performance.now());
  const random = o.random ?? Math.random;
  const upstreams: Upstream[] = o.servers.map((s) => ({
    ...s,
    label: upstreamLabel(s),
    consecutiveFailures: 0,
    down: false,
    nextProbeAt: 0,
  }));
  let turn = 0;

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

  const record = (u: Upstream, ok: boolean) => {
    if (ok) {
      if (u.down) o.onHealth?.(u, 'up');
      u.consecutiveFailures = 0;
      u.down = false;
      return;
    }
    u.consecutiveFailures += 1;
    if (!u.down && u.consecutiveFailures >= o.failuresBeforeDown) {
      u.down = true;
      u.nextProbeAt = now() + PROBE_AFTER_MS;
      o.onHealth?.(u, 'down');
    }
  };

  const attempt = async (u: Upstream, query: Buffer): Promise<Buffer> => {
    const started = now();
    try {
      // DNS over TLS is a stream: no truncation to retry (RFC 7766 §8's 64 KiB messages).
      let reply = u.tls
        ? await o.exchanger.tls(u, query, o.timeoutMs)
        : await o.exchanger.udp(u.host, u.port, query, o.timeoutMs);
      if (!u.tls && isTruncated(reply)) reply = await o.exchanger.tcp(u.host, u.port, query, o.timeoutMs);
      const rcode = rcodeOf(reply);
      if (rcode === RCODE.SERVFAIL || rcode === RCODE.REFUSED) {
        if (rcode === RCODE.REFUSED) o.onHealth?.(u, 'refused');
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
