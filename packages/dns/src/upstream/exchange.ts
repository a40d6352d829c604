import type { SecureContext } from 'node:tls';
import { type Clock, systemClock } from '@horizon/shared';
import { dnsError } from '../errors.ts';
import type { UpstreamAddress } from './address.ts';
import type { Attempt } from './attempt.ts';
import { tcpExchange } from './tcp.ts';
import { createDotClient, type DotClient, type DotEvents, dotContext } from './tls.ts';
import type { DotSettings } from './tls-settings.ts';
import { udpExchange } from './udp.ts';

/** Sends one query to one upstream and resolves with its verified reply. */
export interface Exchanger {
  udp(host: string, port: number, query: Buffer, timeoutMs: number): Promise<Buffer>;
  tcp(host: string, port: number, query: Buffer, timeoutMs: number): Promise<Buffer>;
  /** DNS over TLS to `upstream` (its `tls` set), on connections shared by every pool that names it. */
  tls(upstream: UpstreamAddress, query: Buffer, timeoutMs: number): Promise<Buffer>;
  /** Ends every exchange in flight (E_UPSTREAM_CLOSED), releases its socket, closes DoT connections. */
  close(): void;
}

export interface ExchangerOptions {
  onSpoofed?: () => void;
  clock?: Clock;
  /** DNS over TLS: the trusted CAs and connection limits (`forward.tls`). Default: the config's defaults. */
  dot?: DotSettings;
  /** Queries waiting for a DoT connection, per upstream, at most (`forward.maxInFlight`). */
  dotQueueLimit?: number;
  dotEvents?: DotEvents;
}

/**
 * Upstream I/O: every plain query on a socket of its own (UDP with a random source port and ID,
 * TCP for truncated answers); DNS over TLS on a few long-lived connections per upstream
 * (tls.ts), made on first use. Each exchange settles exactly once (attempt.ts). At most as many
 * plain sockets are open as forwards are in flight (`forward.maxInFlight`), and `forward.tls.
 * connections` per DoT upstream.
 */
export function createExchanger(options: ExchangerOptions = {}): Exchanger {
  const live = new Set<Attempt>();
  const clock = options.clock ?? systemClock;
  const dot = options.dot ?? { ca: undefined, connections: 2, pipeline: 100, idleTimeoutMs: 10_000 };
  let context: SecureContext | undefined;
  const clients = new Map<string, DotClient>(); // one per configured DoT upstream
  const clientOf = (u: UpstreamAddress): DotClient => {
    const key = `${u.host}|${u.port}|${u.tls?.name ?? ''}`;
    let client = clients.get(key);
    if (!client) {
      context ??= dotContext(dot.ca);
      client = createDotClient({
        upstream: u,
        context,
        settings: dot,
        queueLimit: options.dotQueueLimit ?? 2000,
        clock,
        live,
        events: options.dotEvents,
      });
      clients.set(key, client);
    }
    return client;
  };
  return {
    udp: (host, port, query, timeoutMs) =>
      udpExchange(host, port, query, { timeoutMs, clock, live, onSpoofed: options.onSpoofed }),
    tcp: (host, port, query, timeoutMs) => tcpExchange(host, port, query, { timeoutMs, clock, live }),
    tls: (upstream, query, timeoutMs) => clientOf(upstream).exchange(query, timeoutMs),
    close() {
      for (const attempt of [...live]) {
        attempt.reject(dnsError('E_UPSTREAM_CLOSED', 'the forwarder is closing'));
      }
      for (const client of clients.values()) client.close();
    },
  };
}
