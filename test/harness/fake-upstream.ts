import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { createServer, type Socket } from 'node:net';
import { freePort } from './ports.ts';

/**
 * A misbehaving upstream resolver on loopback, UDP and TCP on one port, for the failures a real
 * resolver shows only on a bad day. What it does depends on the first label of the question name:
 *
 * - `silent.*`: never answers (UDP or TCP).
 * - `tc-close.*`: UDP answer with TC set; over TCP, reads the query and closes cleanly, no answer.
 * - `tc-partial.*`: UDP TC; over TCP, a length prefix of 100, 10 bytes, then a clean close.
 * - `tc-reset.*`: UDP TC; over TCP, a reset.
 * - `tc-hang.*`: UDP TC; over TCP, holds the connection open and says nothing.
 * - `garbage.*`: random bytes instead of an answer.
 * - `slow.*`: a good answer after `slowMs`.
 * - `big.*`: a TXT answer of about 8.5 KB (TC over UDP, whole over TCP).
 * - `into.<label>.*`: `<name> CNAME <label>.<zone>` and `<label>.<zone> A 6.6.6.6`, with an NS for
 *   the zone and its glue: an answer that reaches into our zone.
 * - anything else: `A 127.0.0.99`, TTL 60.
 */
export interface FakeUpstream {
  host: string;
  port: number;
  /** Source ports of the UDP queries received, in order. */
  udpSourcePorts: number[];
  /** Questions received (lower-case name), UDP and TCP. */
  queries: { name: string; transport: 'udp' | 'tcp' }[];
  stop(): Promise<void>;
}

export interface FakeUpstreamOptions {
  host?: string;
  port?: number;
  slowMs?: number;
  /** The zone `into.*` answers reach into. */
  zone?: string;
}

/** Name and question end of a query; null when it has no plain question. */
function questionOf(msg: Buffer): { name: string; end: number } | null {
  const labels: string[] = [];
  let pos = 12;
  while (pos < msg.length) {
    const len = msg[pos] ?? 0;
    if (len === 0) return pos + 5 <= msg.length ? { name: labels.join('.'), end: pos + 5 } : null;
    if (len > 63) return null;
    labels.push(msg.toString('latin1', pos + 1, pos + 1 + len).toLowerCase());
    pos += len + 1;
  }
  return null;
}

const encode = (name: string) =>
  Buffer.concat([
    ...name.split('.').map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)])),
    Buffer.from([0]),
  ]);
function rr(owner: Buffer, type: number, ttl: number, rdata: Buffer): Buffer {
  const fixed = Buffer.alloc(10);
  fixed.writeUInt16BE(type, 0);
  fixed.writeUInt16BE(1, 2);
  fixed.writeUInt32BE(ttl, 4);
  fixed.writeUInt16BE(rdata.length, 8);
  return Buffer.concat([owner, fixed, rdata]);
}
const POINTER = Buffer.from([0xc0, 0x0c]);

/** The answer this upstream gives, before transport effects (TC over UDP for big ones). */
function answer(query: Buffer, name: string, end: number, zone: string): Buffer {
  const sections: [Buffer[], Buffer[], Buffer[]] = [[], [], []];
  const first = name.split('.')[0];
  if (first === 'big') {
    const text = Buffer.concat(
      Array.from({ length: 34 }, () =>
        Buffer.from([250, ...randomBytes(125).map((b) => 0x61 + (b % 26)), ...Buffer.alloc(125, 0x62)]),
      ),
    );
    sections[0].push(rr(POINTER, 16, 60, text));
  } else if (first === 'into') {
    const target = encode(`${name.split('.')[1]}.${zone}`);
    sections[0].push(rr(POINTER, 5, 60, target), rr(target, 1, 60, Buffer.from([6, 6, 6, 6])));
    sections[1].push(rr(encode(zone), 2, 60, encode(`ns.${zone}`)));
    sections[2].push(rr(encode(`ns.${zone}`), 1, 60, Buffer.from([6, 6, 6, 7])));
  } else {
    sections[0].push(rr(POINTER, 1, 60, Buffer.from([127, 0, 0, 99])));
  }
  const header = Buffer.from(query.subarray(0, 12));
  header.writeUInt16BE(0x8180 | (query.readUInt16BE(2) & 0x0110), 2);
  for (const [i, s] of sections.entries()) header.writeUInt16BE(s.length, 6 + 2 * i);
  header.writeUInt16BE(1, 4);
  return Buffer.concat([header, query.subarray(12, end), ...sections.flat()]);
}

function truncated(query: Buffer, end: number): Buffer {
  const out = Buffer.from(query.subarray(0, end));
  out.writeUInt16BE(0x8380 | (query.readUInt16BE(2) & 0x0110), 2);
  for (const at of [6, 8, 10]) out.writeUInt16BE(0, at);
  return out;
}

const frame = (msg: Buffer) => Buffer.concat([Buffer.from([msg.length >> 8, msg.length & 0xff]), msg]);

/** Starts the fake upstream; stop() closes both sockets and every connection. */
export async function startFakeUpstream(o: FakeUpstreamOptions = {}): Promise<FakeUpstream> {
  const host = o.host ?? '127.0.0.1';
  const zone = o.zone ?? 'home.example.com';
  const slowMs = o.slowMs ?? 1000;
  const udpSourcePorts: number[] = [];
  const queries: FakeUpstream['queries'] = [];
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };

  const udp = createSocket(host.includes(':') ? 'udp6' : 'udp4');
  udp.on('message', (msg, rinfo) => {
    const q = msg.length >= 12 ? questionOf(msg) : null;
    if (!q) return;
    udpSourcePorts.push(rinfo.port);
    queries.push({ name: q.name, transport: 'udp' });
    const send = (out: Buffer) => udp.send(out, rinfo.port, rinfo.address);
    const first = q.name.split('.')[0] ?? '';
    if (first === 'silent') return;
    if (first.startsWith('tc-') || first === 'big') return send(truncated(msg, q.end));
    if (first === 'garbage') return send(randomBytes(40));
    if (first === 'slow') return later(slowMs, () => send(answer(msg, q.name, q.end, zone)));
    send(answer(msg, q.name, q.end, zone));
  });

  const connections = new Set<Socket>();
  const tcp = createServer((socket) => {
    connections.add(socket);
    socket.on('close', () => connections.delete(socket));
    socket.on('error', () => socket.destroy());
    let buffered = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= 2 && buffered.length >= 2 + buffered.readUInt16BE(0)) {
        const msg = buffered.subarray(2, 2 + buffered.readUInt16BE(0));
        buffered = buffered.subarray(2 + msg.length);
        const q = msg.length >= 12 ? questionOf(msg) : null;
        if (!q) continue;
        queries.push({ name: q.name, transport: 'tcp' });
        const first = q.name.split('.')[0] ?? '';
        if (first === 'silent' || first === 'tc-hang') continue;
        if (first === 'tc-close') socket.end();
        else if (first === 'tc-reset') socket.resetAndDestroy();
        else if (first === 'tc-partial') socket.end(Buffer.concat([Buffer.from([0, 100]), randomBytes(10)]));
        else if (first === 'garbage') socket.write(frame(randomBytes(40)));
        else if (first === 'slow') later(slowMs, () => socket.write(frame(answer(msg, q.name, q.end, zone))));
        else socket.write(frame(answer(msg, q.name, q.end, zone)));
      }
    });
  });

  const port = o.port ?? (await freePort(host));
  await new Promise<void>((resolve, reject) => {
    udp.once('error', reject);
    udp.bind(port, host, () => resolve());
  });
  await new Promise<void>((resolve, reject) => {
    tcp.once('error', reject);
    tcp.listen(port, host, () => resolve());
  });
  return {
    host,
    port,
    udpSourcePorts,
    queries,
    async stop() {
      for (const t of timers) clearTimeout(t);
      for (const c of connections) c.destroy();
      udp.close();
      await new Promise<void>((resolve) => tcp.close(() => resolve()));
    },
  };
}
