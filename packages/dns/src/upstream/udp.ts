import { randomInt } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { dnsError } from '../errors.ts';
import { answers } from '../wire/message.ts';
import { hostPortText } from './address.ts';
import { type AttemptOptions, startAttempt } from './attempt.ts';

/** A copy of `query` with a fresh random ID (RFC 5452 §9.2: ID and source port both random). */
export function withRandomId(query: Buffer): Buffer {
  const sent = Buffer.from(query);
  sent.writeUInt16BE(randomInt(65536), 0);
  return sent;
}

/**
 * One UDP query on a socket of its own: bound to port 0, so the kernel draws a random ephemeral
 * source port for every query (RFC 5452 §9.2; Linux picks a random starting point in
 * ip_local_port_range), and connected to the upstream, so the kernel drops datagrams from any
 * other address and an ICMP port unreachable fails the query at once instead of at the deadline.
 * A reply must still come from the upstream's address and port with our ID and question; anything
 * else is counted as spoofed and the wait goes on (RFC 5452 §9.1).
 */
export function udpExchange(
  host: string,
  port: number,
  query: Buffer,
  o: Omit<AttemptOptions, 'what' | 'release'> & { onSpoofed?: () => void },
): Promise<Buffer> {
  const sent = withRandomId(query);
  const family = isIPv6(host) ? 6 : 4;
  // Upstreams are IP addresses (settings.ts): no resolver lookup on the way to connect.
  const socket = createSocket({
    type: family === 6 ? 'udp6' : 'udp4',
    lookup: (address, _, done) => done(null, address, family),
  });
  const what = hostPortText(host, port);
  let released = false;
  const attempt = startAttempt({
    ...o,
    what,
    release: () => {
      released = true;
      socket.close();
    },
  });
  socket.on('error', (err) => attempt.reject(dnsError('E_UPSTREAM_SEND', `UDP to ${what} failed`, err)));
  socket.on('message', (msg, rinfo) => {
    if (rinfo.address !== host || rinfo.port !== port || !answers(msg, sent)) {
      o.onSpoofed?.();
      return;
    }
    attempt.resolve(msg);
  });
  // The exchange may have ended (deadline, shutdown) before the connect completes: a send on the
  // closed socket would throw out of this callback and end the process.
  socket.connect(port, host, () => {
    if (!released) socket.send(sent);
  });
  return attempt.promise;
}
