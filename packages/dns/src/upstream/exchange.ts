import { type Clock, systemClock } from '@horizon/shared';
import { dnsError } from '../errors.ts';
import type { Attempt } from './attempt.ts';
import { tcpExchange } from './tcp.ts';
import { udpExchange } from './udp.ts';

/** Sends one query to one upstream and resolves with its verified reply. */
export interface Exchanger {
  udp(host: string, port: number, query: Buffer, timeoutMs: number): Promise<Buffer>;
  tcp(host: string, port: number, query: Buffer, timeoutMs: number): Promise<Buffer>;
  /** Ends every exchange in flight (E_UPSTREAM_CLOSED) and releases its socket. */
  close(): void;
}

/**
 * Upstream I/O: every query on a socket of its own (UDP with a random source port and ID, TCP for
 * truncated answers), each exchange settling exactly once (attempt.ts). At most as many sockets
 * are open as forwards are in flight (`forward.maxInFlight`).
 */
export function createExchanger(options: { onSpoofed?: () => void; clock?: Clock } = {}): Exchanger {
  const live = new Set<Attempt>();
  const clock = options.clock ?? systemClock;
  return {
    udp: (host, port, query, timeoutMs) =>
      udpExchange(host, port, query, { timeoutMs, clock, live, onSpoofed: options.onSpoofed }),
    tcp: (host, port, query, timeoutMs) => tcpExchange(host, port, query, { timeoutMs, clock, live }),
    close() {
      for (const attempt of [...live]) {
        attempt.reject(dnsError('E_UPSTREAM_CLOSED', 'the forwarder is closing'));
      }
    },
  };
}
