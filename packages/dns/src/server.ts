import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, isIPv6, type Server, type Socket } from 'node:net';
import type { Logger } from '@horizon/shared';
import type { Reply } from './handlers/types.ts';
import { RCODE } from './wire/constants.ts';
import { parseQuery, type Query, type Transport } from './wire/query.ts';
import { errorMessage, finalize, type RequestHead } from './wire/response.ts';

/** What the server reports per request, for metrics. */
export type RequestObserver = (
  q: Query | null,
  transport: Transport,
  family: 4 | 6,
  response: Buffer | null,
  started: number,
) => void;

export interface DnsServerOptions {
  addresses: readonly string[];
  port: number;
  handle: (q: Query) => Reply | Promise<Reply>;
  tcp: { idleTimeoutMs: number; maxConnections: number };
  logger: Logger;
  observe?: RequestObserver;
}

export interface DnsServer {
  /** Binds UDP and TCP on every address; resolves with what was bound (port 0 picks one, the same for all). */
  listen(): Promise<{ address: string; port: number }[]>;
  close(): Promise<void>;
}

/**
 * UDP and TCP listeners around `handle`. The only place that touches sockets: it parses the packet
 * once into a Query, drops what must not be answered (QR=1, runts), answers FORMERR/NOTIMP/BADVERS
 * itself, and turns anything unexpected into SERVFAIL. TCP takes several queries per connection and
 * answers each as soon as it is ready.
 */
export function createDnsServer(o: DnsServerOptions): DnsServer {
  const udp: UdpSocket[] = [];
  const tcp: Server[] = [];
  const log = o.logger.child({ component: 'server' });

  /** Finishes one request: size and OPT for the transport, send, count. The only exit of `process`. */
  const emit = (
    q: Query | null,
    head: RequestHead | null,
    reply: Reply,
    transport: Transport,
    family: 4 | 6,
    send: (out: Buffer) => void,
    started: number,
    extendedRcode = 0,
  ): void => {
    const out = head === null || reply === null ? null : finalize(head, reply, transport, extendedRcode);
    if (out) send(out);
    o.observe?.(q, transport, family, out, started);
  };
  const servfail = (q: Query, err: unknown): Buffer => {
    log.error({ err, name: q.name, type: q.type }, 'request failed');
    return errorMessage(q, RCODE.SERVFAIL);
  };

  const process = (
    raw: Buffer,
    client: Query['client'],
    transport: Transport,
    family: 4 | 6,
    send: (out: Buffer) => void,
  ): void => {
    const started = performance.now();
    const q = parseQuery(raw, client, transport);
    if ('kind' in q) {
      if (q.kind === 'drop') {
        emit(null, null, null, transport, family, send, started); // QR=1 or a runt: counted, not answered
      } else {
        const head = { ...q, raw };
        emit(null, head, errorMessage(head, q.rcode), transport, family, send, started);
      }
      return;
    }
    // RFC 6891 §6.1.3: BADVERS (16) is 1 in the OPT's extended rcode with 0 in the header.
    if (q.edns && q.edns.version > 0) {
      emit(q, q, errorMessage(q, 0), transport, family, send, started, 1);
      return;
    }
    let reply: Reply | Promise<Reply>;
    try {
      reply = o.handle(q);
    } catch (err) {
      reply = servfail(q, err);
    }
    // Synchronous answers (the authoritative path) allocate no callbacks.
    if (reply instanceof Promise) {
      reply.then(
        (r) => emit(q, q, r, transport, family, send, started),
        (err: unknown) => emit(q, q, servfail(q, err), transport, family, send, started),
      );
    } else {
      emit(q, q, reply, transport, family, send, started);
    }
  };

  const connections = new Set<Socket>();
  const serveTcp = (socket: Socket) => {
    connections.add(socket);
    socket.on('close', () => connections.delete(socket));
    let buffered = Buffer.alloc(0);
    let inFlight = 0;
    socket.setNoDelay(true);
    socket.setTimeout(o.tcp.idleTimeoutMs, () => {
      if (inFlight === 0) socket.destroy();
    });
    socket.on('error', () => socket.destroy());
    const client = { address: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 };
    const family = socket.remoteFamily === 'IPv6' ? 6 : 4;
    socket.on('data', (chunk) => {
      buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
      while (buffered.length >= 2) {
        const length = buffered.readUInt16BE(0);
        if (buffered.length < 2 + length) break;
        const raw = Buffer.from(buffered.subarray(2, 2 + length));
        buffered = buffered.subarray(2 + length);
        inFlight += 1;
        process(raw, client, 'tcp', family, (out) => {
          inFlight -= 1;
          if (socket.destroyed) return;
          const prefix = Buffer.allocUnsafe(2);
          prefix.writeUInt16BE(out.length);
          socket.write(Buffer.concat([prefix, out]));
        });
      }
    });
  };

  return {
    async listen() {
      const bound: { address: string; port: number }[] = [];
      let port = o.port;
      for (const address of o.addresses) {
        const v6 = isIPv6(address);
        const socket = createSocket({ type: v6 ? 'udp6' : 'udp4', ipv6Only: v6 });
        await new Promise<void>((resolve, reject) => {
          socket.once('error', reject);
          socket.bind(port, address, () => {
            socket.off('error', reject);
            resolve();
          });
        });
        port = socket.address().port; // with port 0, every listener shares the first one's port
        const family = v6 ? 6 : 4;
        socket.on('message', (msg, rinfo) =>
          process(msg, { address: rinfo.address, port: rinfo.port }, 'udp', family, (out) =>
            socket.send(out, rinfo.port, rinfo.address),
          ),
        );
        socket.on('error', (err) => log.error({ err }, 'UDP socket error'));
        udp.push(socket);
        const server = createServer(serveTcp);
        server.maxConnections = o.tcp.maxConnections;
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen({ port, host: address, ipv6Only: v6 }, () => {
            server.off('error', reject);
            resolve();
          });
        });
        tcp.push(server);
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
    async close() {
      for (const s of udp.splice(0)) s.close();
      await Promise.all(
        tcp.splice(0).map(
          (server) =>
            new Promise<void>((resolve) => {
              server.close(() => resolve());
              for (const c of connections) c.destroy();
            }),
        ),
      );
    },
  };
}
