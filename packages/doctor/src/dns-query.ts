import { randomInt } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { isIP } from 'node:net';

/** A DNS server to ask: an address and a port. */
export interface DnsServer {
  host: string;
  port: number;
}

/** What a server answered, reduced to what the checks compare. */
export interface DnsAnswer {
  /** NOERROR, NXDOMAIN, SERVFAIL, REFUSED, ... or TIMEOUT when nothing came back. */
  rcode: string;
  /** The authoritative-answer bit: set when Horizon answered itself. */
  authoritative: boolean;
  /** A and AAAA addresses in the answer section, sorted. */
  addresses: string[];
}

const RCODES = ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED'];
export const TYPE = { A: 1, SOA: 6, AAAA: 28 } as const;

/** `IP` or `IP:PORT` (`[v6]:port` for IPv6); port 53 when none is given. */
export function parseServer(text: string): DnsServer | undefined {
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  const [host = '', port] = v6 ? [v6[1], v6[2]] : isIP(text) === 6 ? [text] : text.split(':');
  const n = port === undefined ? 53 : Number(port);
  return isIP(host) && Number.isInteger(n) && n > 0 && n < 65536 ? { host, port: n } : undefined;
}

function query(name: string, type: number, id: number): Buffer {
  const labels = name.replace(/\.$/, '').split('.');
  const parts = labels.map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l, 'ascii')]));
  const header = Buffer.from([id >> 8, id & 0xff, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]); // RD
  return Buffer.concat([header, ...parts, Buffer.from([0, type >> 8, type & 0xff, 0, 1])]);
}

/** Skips a (possibly compressed) name; returns the offset after it. */
function skipName(msg: Buffer, at: number): number {
  let i = at;
  while (i < msg.length) {
    const len = msg[i] ?? 0;
    if (len === 0) return i + 1;
    if ((len & 0xc0) === 0xc0) return i + 2;
    i += len + 1;
  }
  throw new Error('truncated name');
}

function parse(msg: Buffer): DnsAnswer {
  const flags = msg.readUInt16BE(2);
  const answers = msg.readUInt16BE(6);
  let at = skipName(msg, 12) + 4;
  const addresses: string[] = [];
  for (let n = 0; n < answers; n += 1) {
    at = skipName(msg, at);
    const type = msg.readUInt16BE(at);
    const length = msg.readUInt16BE(at + 8);
    const data = msg.subarray(at + 10, at + 10 + length);
    if (type === TYPE.A && length === 4) addresses.push([...data].join('.'));
    if (type === TYPE.AAAA && length === 16) {
      const groups = [];
      for (let g = 0; g < 16; g += 2) groups.push(data.readUInt16BE(g).toString(16));
      // The URL parser writes an IPv6 address in its canonical, compressed form (RFC 5952).
      addresses.push(new URL(`http://[${groups.join(':')}]/`).hostname.slice(1, -1));
    }
    at += 10 + length;
  }
  return {
    rcode: RCODES[flags & 0x0f] ?? `RCODE${flags & 0x0f}`,
    authoritative: (flags & 0x0400) !== 0,
    addresses: addresses.sort(),
  };
}

/**
 * Asks `server` one question over UDP, as a LAN client would (recursion desired), and waits up to
 * `timeoutMs` for the answer with its ID; anything else arriving on the socket is ignored.
 */
export function ask(server: DnsServer, name: string, type: number, timeoutMs = 2000): Promise<DnsAnswer> {
  return new Promise((resolve) => {
    const socket = createSocket(isIP(server.host) === 6 ? 'udp6' : 'udp4');
    const id = randomInt(0, 0x10000);
    const finish = (answer: DnsAnswer) => {
      clearTimeout(timer);
      socket.close();
      resolve(answer);
    };
    const timer = setTimeout(
      () => finish({ rcode: 'TIMEOUT', authoritative: false, addresses: [] }),
      timeoutMs,
    );
    socket.on('message', (msg) => {
      if (msg.length < 12 || msg.readUInt16BE(0) !== id) return;
      try {
        finish(parse(msg));
      } catch {
        finish({ rcode: 'FORMERR', authoritative: false, addresses: [] });
      }
    });
    socket.on('error', () => finish({ rcode: 'TIMEOUT', authoritative: false, addresses: [] }));
    socket.send(query(name, type, id), server.port, server.host);
  });
}
