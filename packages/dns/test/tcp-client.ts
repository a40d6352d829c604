import { connect, type Socket } from 'node:net';
import { dnsQuery } from '@horizon/test/harness';

/** A DNS-over-TCP client for tests: raw writes, parsed answers, and the end of the connection as an event. */
export interface TcpClient {
  socket: Socket;
  /** Answers received so far. */
  answers: Buffer[];
  /** Resolves when the server has closed or reset the connection. */
  closed: Promise<void>;
  isClosed(): boolean;
  /** Writes one query framed, or raw bytes as they are. */
  send(message: Buffer, raw?: boolean): void;
}

/** A framed query for `name` (type A) with `id`. */
export const frame = (message: Buffer) =>
  Buffer.concat([Buffer.from([message.length >> 8, message.length & 0xff]), message]);
export const tcpQuery = (name: string, id = 1, type = 1) => frame(dnsQuery(name, type, id));

/** Connects from `localAddress` (a loopback address playing a client); `read: false` never reads. */
export async function tcpClient(
  port: number,
  o: { localAddress?: string; read?: boolean; host?: string } = {},
): Promise<TcpClient> {
  const socket = connect({ host: o.host ?? '127.0.0.1', port, localAddress: o.localAddress ?? '127.0.0.1' });
  const answers: Buffer[] = [];
  let buffered = Buffer.alloc(0);
  let isClosed = false;
  const closed = new Promise<void>((resolve) =>
    socket.once('close', () => {
      isClosed = true;
      resolve();
    }),
  );
  socket.on('error', () => undefined); // a reset is a way to be closed
  socket.on('data', (chunk) => {
    buffered = Buffer.concat([buffered, chunk]);
    while (buffered.length >= 2 && buffered.length >= 2 + buffered.readUInt16BE(0)) {
      answers.push(buffered.subarray(2, 2 + buffered.readUInt16BE(0)));
      buffered = buffered.subarray(2 + buffered.readUInt16BE(0));
    }
  });
  if (o.read === false) socket.pause();
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return {
    socket,
    answers,
    closed,
    isClosed: () => isClosed,
    send: (message, raw = false) => socket.write(raw ? message : frame(message)),
  };
}
