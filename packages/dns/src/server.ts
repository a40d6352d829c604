import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, isIPv6, type Server, type Socket } from 'node:net';
import type { Logger } from '@horizon/shared';
import type { Reply } from './handlers/types.ts';
import { RCODE } from './wire/constants.ts';
import { parseQuery, type Query, type Transport } from './wire/query.ts';
import { errorMessage, finalize } from './wire/response.ts';

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

  const process = (
    raw: Buffer,
    client: Query['client'],
    transport: Transport,
    family: 4 | 6,
    send: (out: Buffer) => void,
  ): void => {
    const started = performance.now();
    const parsed = parseQuery(raw, client, transport);
    if ('kind' in parsed) {
      const out =
        parsed.kind === 'drop'
          ? null
          : finalize({ ...parsed, raw }, errorMessage({ ...parsed, raw }, parsed.rcode), transport);
      if (out) send(out);
      o.observe?.(null, transport, family, out, started);
      return;
    }
    const q = parsed;
    const done = (reply: Reply) => {
      const out = reply === null ? null : finalize(q, reply, transport);
      if (out) send(out);
      o.observe?.(q, transport, family, out, started);
    };
    const fail = (err: unknown) => {
      log.error({ err, name: q.name, type: q.type }, 'request failed');
      done(errorMessage(q, RCODE.SERVFAIL));
    };
    if (q.edns && q.edns.version > 0) {
      // RFC 6891 §6.1.3: BADVERS (16) is 1 in the OPT's extended rcode with 0 in the header.
      const out = finalize(q, errorMessage(q, 0), transport, 1);
      send(out);
      o.observe?.(q, transport, family, out, started);
      return;
    }
    try {
      const reply = o.handle(q);
      if (reply instanceof Promise) reply.then(done, fail);
      else done(reply);
    } catch (err) {
      fail(err);
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
