import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, isIPv6, type Server } from 'node:net';
import type { Logger } from '@horizon/shared';
import { type Clock, systemClock } from '@horizon/shared';
import { createResponder, type RequestObserver } from './respond.ts';
import { createTcpFront, type TcpEvents, type TcpFront, type TcpOptions } from './tcp/front.ts';
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

// A UDP receive buffer that holds a burst while the event loop is busy elsewhere (about 450
// queries at the kernel's ~2.3 KiB per datagram); the kernel caps it at net.core.rmem_max.
const UDP_RECEIVE_BUFFER = 1024 * 1024;
// Socket buffers of 16 KiB rather than Node's 64 KiB: DNS messages are small, and a client that
// stops reading is stopped being read once this much of its answers waits (connection.ts).
const HIGH_WATER_MARK = 16 * 1024;

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

  const bindUdp = async (address: string, port: number): Promise<UdpSocket> => {
    const v6 = isIPv6(address);
    const socket = createSocket({
      type: v6 ? 'udp6' : 'udp4',
      ipv6Only: v6,
      recvBufferSize: UDP_RECEIVE_BUFFER,
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(port, address, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    const family = v6 ? 6 : 4;
    socket.on('message', (msg, rinfo) =>
      respond(msg, { address: rinfo.address, port: rinfo.port }, 'udp', family, (out) => {
        // An answer forwarded upstream may come back after close(): a send then would throw.
        if (out && !closed) socket.send(out, rinfo.port, rinfo.address);
      }),
    );
    socket.on('error', (err) => log.error({ err }, 'UDP socket error'));
    return socket;
  };
  const listenTcp = async (address: string, port: number): Promise<Server> => {
    // allowHalfOpen: a client that shuts down its sending side still gets its answers (connection.ts).
    const server = createServer({ allowHalfOpen: true, highWaterMark: HIGH_WATER_MARK }, front.accept);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ port, host: address, ipv6Only: isIPv6(address) }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    return server;
  };

  return {
    async listen() {
      const bound: { address: string; port: number }[] = [];
      let port = o.port;
      for (const address of o.addresses) {
        const socket = await bindUdp(address, port);
        udp.push(socket);
        port = socket.address().port; // with port 0, every listener shares the first one's port
        tcp.push(await listenTcp(address, port));
        bound.push({ address, port });
      }
      log.info(
        {
          listen: bound.map((b) =>
            isIPv6(b.address) ? `[${b.address}]:${b.port}` : `${b.address}:${b.port}`,
          ),
        },
        'DNS listening (UDP and TCP)',
      );
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
