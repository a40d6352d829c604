import type { Socket } from 'node:net';
import { type Clock, every } from '@horizon/shared';
import type { Respond } from '../respond.ts';
import { clientKey, createAdmission, type RefuseReason } from './admission.ts';
import { createUnsentBudget } from './budget.ts';
import {
  type CloseReason,
  type ConnectionLimits,
  serveConnection,
  type TcpConnection,
} from './connection.ts';

/** The TCP limits of the config (`tcp.*`). */
export interface TcpOptions extends ConnectionLimits {
  maxConnections: number;
  maxConnectionsPerClient: number;
  /** Unsent answer bytes across all connections at most (budget.ts). */
  maxUnsentBytes: number;
}

export interface TcpEvents {
  onClosed?: (reason: CloseReason) => void;
  onRefused?: (reason: RefuseReason) => void;
}

/** Every TCP connection of the server, on all listeners. */
export interface TcpFront {
  accept(socket: Socket): void;
  /** Open connections. */
  connections(): number;
  /** Answer bytes written and not yet taken by clients. */
  unsentBytes(): number;
  /** Connections not being read (their pipeline is full, or their client is not reading). */
  paused(): number;
  /** Closes every connection and stops the deadline sweep. */
  close(): void;
}

/**
 * Admits connections (admission.ts), serves each as a bounded pipeline (connection.ts) under one
 * shared unsent-answer budget (budget.ts), and checks every connection's deadlines on one sweep
 * timer rather than a timer per socket (a trickle of bytes must not push a deadline back).
 */
export function createTcpFront(o: {
  respond: Respond;
  limits: TcpOptions;
  clock: Clock;
  events?: TcpEvents;
}): TcpFront {
  const { limits, clock } = o;
  const budget = createUnsentBudget<TcpConnection>(limits.maxUnsentBytes);
  const admission = createAdmission({
    maxConnections: limits.maxConnections,
    maxPerClient: limits.maxConnectionsPerClient,
  });
  // A quarter of the shortest deadline: a connection is closed at most 25% past its deadline.
  const sweepMs = Math.max(25, Math.min(1000, Math.min(limits.idleTimeoutMs, limits.frameTimeoutMs) / 4));
  const stopSweep = every(clock, sweepMs, () => {
    const now = clock.now();
    for (const conn of [...admission.all()]) conn.check(now);
  });
  const onClosedBy = (reason: CloseReason) => o.events?.onClosed?.(reason);

  return {
    accept(socket) {
      const client = clientKey(socket.remoteAddress ?? '');
      const refused = admission.makeRoom(client);
      if (refused) {
        o.events?.onRefused?.(refused);
        socket.on('error', () => undefined); // a reset while we close it is expected
        socket.destroy();
        return;
      }
      admission.add(
        serveConnection({
          socket,
          client,
          respond: o.respond,
          limits,
          clock,
          budget,
          onClosedBy,
          onGone: admission.remove,
        }),
      );
    },
    connections: () => admission.size(),
    unsentBytes: () => budget.total(),
    paused: () => {
      let n = 0;
      for (const conn of admission.all()) if (conn.paused()) n += 1;
      return n;
    },
    close() {
      stopSweep();
      for (const conn of [...admission.all()]) conn.close('shutdown');
    },
  };
}
