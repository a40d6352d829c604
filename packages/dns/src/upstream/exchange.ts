import { randomInt } from 'node:crypto';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect, isIPv6 } from 'node:net';
import { type DnsError, dnsError } from '../errors.ts';
import { answers } from '../wire/message.ts';

/** Sends one query to one upstream and resolves with its verified reply. */
export interface Exchanger {
  udp(host: string, port: number, query: Buffer, timeoutMs: number): Promise<Buffer>;
  tcp(host: string, port: number, query: Buffer, timeoutMs: number): Promise<Buffer>;
  close(): void;
}

interface Pending {
  host: string;
  port: number;
  sent: Buffer;
  resolve: (reply: Buffer) => void;
  reject: (err: DnsError) => void;
  timer: NodeJS.Timeout;
}

const SOCKETS_PER_FAMILY = 8;

/**
 * UDP through a few sockets on kernel-chosen random source ports, each query with a random ID; a
 * reply is accepted only from the address and port the query went to, with the same ID and
 * question (anything else is dropped and counted, and the wait goes on). TCP: one connection per
 * query, for truncated answers.
 */
export function createExchanger(options: { onSpoofed?: () => void } = {}): Exchanger {
  const sockets: Record<'udp4' | 'udp6', (UdpSocket | undefined)[]> = { udp4: [], udp6: [] };
  const pending = new Map<string, Pending>();

  const socketFor = (family: 'udp4' | 'udp6'): { socket: UdpSocket; index: number } => {
    const list = sockets[family];
    const index = randomInt(SOCKETS_PER_FAMILY);
    let socket = list[index];
    if (!socket) {
      const s = createSocket(family);
      s.bind(0);
      s.unref();
      s.on('message', (msg, rinfo) => {
        const key = `${family}/${index}/${msg.length >= 2 ? msg.readUInt16BE(0) : -1}`;
        const p = pending.get(key);
        if (!p || rinfo.address !== p.host || rinfo.port !== p.port || !answers(msg, p.sent)) {
          options.onSpoofed?.();
          return;
        }
        pending.delete(key);
        clearTimeout(p.timer);
        p.resolve(msg);
      });
      s.on('error', () => {
        // A broken socket is replaced on next use; its queries time out.
        list[index] = undefined;
        s.close();
      });
      list[index] = s;
      socket = s;
    }
    return { socket, index };
  };

  return {
    udp(host, port, query, timeoutMs) {
      const family = isIPv6(host) ? 'udp6' : 'udp4';
      const { socket, index } = socketFor(family);
      let id = randomInt(65536);
      while (pending.has(`${family}/${index}/${id}`)) id = randomInt(65536);
      const sent = Buffer.from(query);
      sent.writeUInt16BE(id, 0);
      const key = `${family}/${index}/${id}`;
      return new Promise<Buffer>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(key);
          reject(dnsError('E_UPSTREAM_TIMEOUT', `${host}:${port} did not answer in ${timeoutMs} ms`));
        }, timeoutMs);
        pending.set(key, { host, port, sent, resolve, reject, timer });
        socket.send(sent, port, host, (err) => {
          if (!err) return;
          clearTimeout(timer);
          pending.delete(key);
          reject(dnsError('E_UPSTREAM_SEND', `cannot send to ${host}:${port}`, err));
        });
      });
    },
    tcp(host, port, query, timeoutMs) {
      const sent = Buffer.from(query);
      sent.writeUInt16BE(randomInt(65536), 0);
      return new Promise<Buffer>((resolve, reject) => {
        const socket = connect({ host, port });
        let buffered = Buffer.alloc(0);
        const fail = (err: DnsError) => {
          socket.destroy();
          reject(err);
        };
        socket.setTimeout(timeoutMs, () =>
          fail(dnsError('E_UPSTREAM_TIMEOUT', `${host}:${port} (TCP) did not answer in ${timeoutMs} ms`)),
        );
        socket.on('error', (err) => fail(dnsError('E_UPSTREAM_SEND', `TCP to ${host}:${port} failed`, err)));
        socket.on('connect', () => {
          const length = Buffer.alloc(2);
          length.writeUInt16BE(sent.length);
          socket.end(Buffer.concat([length, sent]));
        });
        socket.on('data', (chunk) => {
          buffered = Buffer.concat([buffered, chunk]);
          if (buffered.length < 2 || buffered.length < 2 + buffered.readUInt16BE(0)) return;
          const reply = buffered.subarray(2, 2 + buffered.readUInt16BE(0));
          socket.destroy();
          if (answers(reply, sent)) resolve(Buffer.from(reply));
          else
            reject(
              dnsError('E_UPSTREAM_MISMATCH', `TCP reply from ${host}:${port} does not answer the query`),
            );
        });
      });
    },
    close() {
      for (const p of pending.values()) {
        clearTimeout(p.timer);
        p.reject(dnsError('E_UPSTREAM_CLOSED', 'the forwarder is closing'));
      }
      pending.clear();
      for (const list of Object.values(sockets)) for (const s of list.splice(0)) if (s) s.close();
    },
  };
}
