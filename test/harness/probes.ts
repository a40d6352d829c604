import { createSocket } from 'node:dgram';
import { connect } from 'node:net';

/** True when a TCP connection to host:port opens. */
export function tcpOpen(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** A minimal DNS query packet (RD set) for `name` and `type`, with the given ID. */
export function dnsQuery(name: string, type = 1, id = 0x1234): Buffer {
  const labels = name.split('.').filter(Boolean);
  const qname = Buffer.concat([
    ...labels.map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)])),
    Buffer.from([0]),
  ]);
  const header = Buffer.from([id >> 8, id & 0xff, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]);
  return Buffer.concat([header, qname, Buffer.from([type >> 8, type & 0xff, 0, 1])]);
}

/** Sends one UDP DNS query and resolves with the raw answer, or null after `timeoutMs`. */
export function udpExchange(
  host: string,
  port: number,
  packet: Buffer,
  timeoutMs = 500,
): Promise<Buffer | null> {
  return new Promise((resolve) => {
    const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    const timer = setTimeout(() => finish(null), timeoutMs);
    const finish = (msg: Buffer | null) => {
      clearTimeout(timer);
      socket.close();
      resolve(msg);
    };
    socket.on('message', (msg) => finish(msg));
    socket.on('error', () => finish(null));
    socket.send(packet, port, host);
  });
}

/** True once a DNS server answers anything on UDP. */
export async function dnsAnswers(host: string, port: number): Promise<boolean> {
  return (await udpExchange(host, port, dnsQuery('probe.horizon.test'))) !== null;
}
