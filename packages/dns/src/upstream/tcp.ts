import { connect } from 'node:net';
import { dnsError } from '../errors.ts';
import { createFrameReader, framed } from '../wire/frames.ts';
import { answers } from '../wire/message.ts';
import { hostPortText } from './address.ts';
import { type AttemptOptions, startAttempt } from './attempt.ts';
import { withRandomId } from './udp.ts';

/**
 * One query over a TCP connection of its own (RFC 7766), for answers that came back truncated.
 * It settles on the first of: a whole reply (accepted if it answers the query), the connection
 * ending before a whole reply (a clean close, or a length prefix followed by too few bytes), an
 * error or reset, or the deadline. A reply never holds more than one 64 KiB message.
 */
export function tcpExchange(
  host: string,
  port: number,
  query: Buffer,
  o: Omit<AttemptOptions, 'what' | 'release'>,
): Promise<Buffer> {
  const sent = withRandomId(query);
  const what = `${hostPortText(host, port)} (TCP)`;
  const socket = connect({ host, port });
  const attempt = startAttempt({ ...o, what, release: () => socket.destroy() });
  const frames = createFrameReader();
  socket.on('connect', () => socket.write(framed(sent)));
  socket.on('data', (chunk) => {
    frames.push(chunk);
    const reply = frames.next();
    if (reply === undefined) return;
    if (answers(reply, sent)) attempt.resolve(reply);
    else attempt.reject(dnsError('E_UPSTREAM_MISMATCH', `the reply from ${what} does not answer the query`));
  });
  const ended = () =>
    attempt.reject(dnsError('E_UPSTREAM_NO_ANSWER', `${what} closed the connection without a whole answer`));
  socket.on('end', ended);
  socket.on('close', ended); // after an error, the error has already settled it
  socket.on('error', (err) => attempt.reject(dnsError('E_UPSTREAM_SEND', `${what} failed`, err)));
  return attempt.promise;
}
