import type { Socket as UdpSocket } from 'node:dgram';
import type { Server } from 'node:net';
import { type Clock, type Logger, systemClock } from '@horizon/shared';
import { bindUdp, listenTcp } from './listeners.ts';
import { createResponder, type RequestObserver } from './respond.ts';
import { createTcpFront, type TcpEvents, type TcpFront, type TcpOptions } from './tcp/front.ts';
import { hostPortText } from './upstream/address.ts';
import type { Query } from './wire/query.ts';
import type { Reply } from './wire/response.ts';

export type { RequestObserver } from './respond.ts';

export interface DnsServerOptions {
  addresses: readonly string[];
  port: number;
  handle: (q: Query) => Reply | Promise<Reply>;
  tcp: TcpOptions;
  logger: Logger;
  observe?: RequestObserver;
  /** Whether a client may recurse through us: RA in answers to it. */
  recursion?: (address: string) => boolean;
  tcpEvents?: TcpEvents;
  clock?: Clock;
}

export interface DnsServer {
  /** Binds UDP and TCP on every address; resolves with what was bound (port 0 picks one, the same for all). */
  listen(): Promise<{ address: string; port: number }[]>;
  /** The TCP connections (for metrics). */
  readonly tcp: Pick<TcpFront, 'connections' | 'unsentBytes' | 'paused'>;
  close(): Promise<void>;
}

/**
 * The UDP and TCP listeners around one responder (respond.ts): UDP answers each datagram as it
 * comes; TCP connections go to the front (tcp/front.ts), which bounds them.
 */
export function createDnsServer(o: DnsServerOptions): DnsServer {
  const udp: UdpSocket[] = [];
  let closed = false;
  const tcp: Server[] = [];
  const log = o.logger.child({ component: 'server' });
  const respond = createResponder({
    handle: o.handle,
    logger: o.logger,
    observe: o.observe,
    recursion: o.recursion,
  });
  const front = createTcpFront({
    respond,
    limits: o.tcp,
    clock: o.clock ?? systemClock,
    ...(o.tcpEvents ? { events: o.tcpEvents } : {}),
  });

  /** Answers each datagram on `socket` as it comes. */
  const serveUdp = (socket: UdpSocket) => {
    const family = socket.address().family === 'IPv6' ? 6 : 4;
    socket.on('message', (msg, rinfo) =>
      respond(msg, { address: rinfo.address, port: rinfo.port }, 'udp', family, (out) => {
        // An answer forwarded upstream may come back after close(): a send then would throw.
        if (out && !closed) socket.send(out, rinfo.port, rinfo.address);
      }),
    );
    socket.on('error', (err) => log.error({ err }, 'UDP socket error'));
  };

  return {
    async listen() {
      const bound: { address: string; port: number }[] = [];
      let port = o.port;
      for (const address of o.addresses) {
        const socket = await bindUdp(address, port);
        serveUdp(socket);
        udp.push(socket);
        port = socket.address().port; // with port 0, every listener shares the first one's port
        tcp.push(await listenTcp(address, port, front.accept));
        bound.push({ address, port });
      }
      log.info({ listen: bound.map((b) => hostPortText(b.address, b.port)) }, 'DNS listening (UDP and TCP)');
      return bound;
    },
    tcp: front,
    async close() {
      closed = true;
      for (const s of udp.splice(0)) s.close();
      const closing = tcp
        .splice(0)
        .map((server) => new Promise<void>((resolve) => server.close(() => resolve())));
      front.close();
      await Promise.all(closing);
    },
  };
}
