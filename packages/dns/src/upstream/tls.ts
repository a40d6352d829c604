import { createSecureContext, getCACertificates, type SecureContext } from 'node:tls';
import { type Clock, createBackoff } from '@horizon/shared';
import { type DnsError, dnsError } from '../errors.ts';
import { type UpstreamAddress, upstreamLabel } from './address.ts';
import { type Attempt, startAttempt } from './attempt.ts';
import { type CloseReason, type DotConnection, type DotQuery, openDotConnection } from './tls-connection.ts';
import type { DotSettings } from './tls-settings.ts';

/** What happens to DoT connections, for metrics and logs (upstreams.ts). */
export interface DotEvents {
  /** A connection is being opened. */
  onOpen?(label: string): void;
  /** A handshake finished (a new session, or one resumed), or failed, and why. */
  onHandshake?(label: string, result: 'new' | 'resumed' | 'failed', error?: DnsError): void;
  /** A connection closed, and how many queries it held unanswered. */
  onClose?(label: string, reason: CloseReason, unanswered: number): void;
  onUnmatched?(): void;
}

/** DNS over TLS to one upstream: its connections, and the queries waiting for room on them. */
export interface DotClient {
  exchange(query: Buffer, timeoutMs: number): Promise<Buffer>;
  /** Connections open or opening. */
  connections(): number;
  /** Ends every connection; later exchanges fail at once. */
  close(): void;
}

export interface DotClientOptions {
  upstream: UpstreamAddress;
  context: SecureContext;
  settings: Pick<DotSettings, 'connections' | 'pipeline' | 'idleTimeoutMs'>;
  /** Queries waiting for room on a connection, at most; past it, they fail at once (E_UPSTREAM_BUSY). */
  queueLimit: number;
  clock: Clock;
  /** Every live attempt (exchange.ts), so the exchanger can end them all on close. */
  live: Set<Attempt>;
  events?: DotEvents;
}

/**
 * Queries go on the open connection with the fewest in flight; a new connection opens only when
 * every open one has `pipeline` in flight (up to `connections`), else they wait, in order, within
 * their own deadline. A query whose connection closed before answering is sent once more, on
 * another connection (or a new one); lost twice, it fails, and the pool tries its next upstream.
 * A connection that cannot be made (refused, handshake failure, a certificate that does not verify
 * or does not name the upstream) fails its queries at once and holds off new connections for a
 * backoff (100 ms doubling to 1 s, shorter than the pool's 2 s probe, so every probe really
 * tries); queries meanwhile fail at once with the same error. The last TLS session is resumed.
 */
export function createDotClient(o: DotClientOptions): DotClient {
  const label = upstreamLabel(o.upstream);
  const what = o.upstream.tls?.name ? `${label} (${o.upstream.tls.name})` : label;
  const { connections: most, pipeline } = o.settings;
  const conns = new Set<DotConnection>();
  const waiting = new Set<DotQuery>(); // in arrival order
  const backoff = createBackoff({ initialMs: 100, maxMs: 1000 });
  let failing: { until: number; error: DnsError } | undefined;
  let session: Buffer | undefined;
  let closed = false;

  /** A connection with room, opening one when allowed; undefined: none for now. */
  const roomy = (timeoutMs: number): DotConnection | undefined => {
    let best: DotConnection | undefined;
    for (const c of conns) if (c.load < pipeline && (best === undefined || c.load < best.load)) best = c;
    if (best || conns.size >= most || closed) return best;
    if (failing && o.clock.now() < failing.until) return undefined;
    return open(timeoutMs);
  };

  const place = (q: DotQuery, timeoutMs: number) => {
    const c = roomy(timeoutMs);
    if (c) c.send(q);
    else if (conns.size === 0 && failing) q.attempt.reject(failing.error);
    else if (waiting.size >= o.queueLimit) {
      q.attempt.reject(dnsError('E_UPSTREAM_BUSY', `${what}: ${o.queueLimit} queries already waiting`));
    } else waiting.add(q);
  };

  /** Moves waiting queries onto connections with room, in order. */
  const drain = (timeoutMs: number) => {
    for (const q of waiting) {
      const c = roomy(timeoutMs);
      if (!c) return;
      waiting.delete(q);
      c.send(q);
    }
  };

  const open = (timeoutMs: number): DotConnection => {
    o.events?.onOpen?.(label);
    const c = openDotConnection({
      host: o.upstream.host,
      port: o.upstream.port,
      name: o.upstream.tls?.name,
      context: o.context,
      session,
      timeoutMs,
      idleTimeoutMs: o.settings.idleTimeoutMs,
      clock: o.clock,
      what,
      onSecure(resumed) {
        backoff.reset();
        failing = undefined;
        o.events?.onHandshake?.(label, resumed ? 'resumed' : 'new');
      },
      onSession: (s) => (session = s),
      onUnmatched: () => o.events?.onUnmatched?.(),
      onClosed(orphans, how) {
        conns.delete(c);
        o.events?.onClose?.(label, how.reason, orphans.length);
        if (!how.secure && how.reason !== 'shutdown') {
          failing = { until: o.clock.now() + backoff.next(), error: how.error };
          o.events?.onHandshake?.(label, 'failed', how.error);
        }
        const elsewhere = how.secure || [...conns].some((other) => other.secure);
        for (const q of orphans) {
          if (elsewhere && !q.retried && !closed) {
            q.retried = true;
            place(q, timeoutMs);
          } else q.attempt.reject(how.error);
        }
        if (conns.size === 0 && failing) for (const q of waiting) q.attempt.reject(failing.error);
        drain(timeoutMs);
      },
    });
    conns.add(c);
    return c;
  };

  return {
    exchange(query, timeoutMs) {
      const q: DotQuery = {
        attempt: startAttempt({
          what,
          timeoutMs,
          clock: o.clock,
          live: o.live,
          release: (error) => {
            if (q.on === undefined) return void waiting.delete(q);
            q.on.forget(q, error?.code === 'E_UPSTREAM_TIMEOUT');
            drain(timeoutMs);
          },
        }),
        query,
        timeoutMs,
        on: undefined,
        id: 0,
        sent: query,
        sentAt: 0,
        receivedBefore: 0,
        retried: false,
      };
      if (closed) q.attempt.reject(dnsError('E_UPSTREAM_CLOSED', 'the forwarder is closing'));
      else place(q, timeoutMs);
      return q.attempt.promise;
    },
    connections: () => conns.size,
    close() {
      closed = true;
      for (const q of waiting) q.attempt.reject(dnsError('E_UPSTREAM_CLOSED', 'the forwarder is closing'));
      for (const c of [...conns])
        c.close('shutdown', dnsError('E_UPSTREAM_CLOSED', 'the forwarder is closing'));
    },
  };
}

let roots: readonly string[] | undefined;

/**
 * The TLS settings every DoT connection shares, made once: the CAs a certificate must chain to
 * (Node's bundled Mozilla roots and the system's store, read once per process, and the `caFile`'s
 * beside them, so a private resolver and a public one can be upstreams together), TLS 1.2 at least
 * (RFC 8310 §9 via RFC 7525).
 */
export function dotContext(ca: readonly string[] | undefined): SecureContext {
  roots ??= [...new Set([...getCACertificates('default'), ...getCACertificates('system')])];
  return createSecureContext({ ca: [...(ca ?? []), ...roots], minVersion: 'TLSv1.2' });
}
