// A DNS-over-TLS server of our own on loopback, for the client's tests: it does what each test
// tells it to with every message (answer, stay silent, trickle, send garbage), so every way an
// upstream can misbehave is one callback.
import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { createServer, type TLSSocket } from 'node:tls';
import { createFrameReader, framed } from '../../src/wire/frames.ts';

/** The reply a well-behaved resolver would give: the query itself, marked a response. */
export const echoOf = (m: Buffer): Buffer => {
  const reply = Buffer.from(m);
  reply[2] = (reply[2] ?? 0) | 0x80;
  return reply;
};

export interface FakeDot {
  port: number;
  /** Connections accepted so far, and the most queries it held unanswered at once. */
  stats: { connections: number; maxInFlight: number; inFlight: number; queries: number };
  sockets: Set<Socket>;
  close(): Promise<void>;
}

/**
 * Serves TLS with `key`/`cert`; each message is handed to `onQuery` (default: answered at once).
 * `raw`: a plain TCP server that accepts and never reads (no TLS at all).
 */
export async function startFakeDot(o: {
  key?: string;
  cert?: string;
  raw?: boolean;
  onQuery?: (m: Buffer, socket: TLSSocket, answer: (reply: Buffer) => void) => void;
}): Promise<FakeDot> {
  const stats = { connections: 0, maxInFlight: 0, inFlight: 0, queries: 0 };
  const sockets = new Set<Socket>();
  const track = (s: Socket) => {
    stats.connections += 1;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
  };
  const server: Server = o.raw
    ? createTcpServer({ pauseOnConnect: true }, track)
    : createServer({ key: o.key, cert: o.cert }, (socket) => {
        track(socket);
        const frames = createFrameReader();
        socket.on('data', (chunk: Buffer) => {
          frames.push(chunk);
          for (let m = frames.next(); m; m = frames.next()) {
            stats.queries += 1;
            stats.inFlight += 1;
            stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
            const answer = (reply: Buffer) => {
              stats.inFlight -= 1;
              if (!socket.destroyed) socket.write(framed(reply));
            };
            (o.onQuery ?? ((q, _, send) => send(echoOf(q))))(m, socket, answer);
          }
        });
      });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    stats,
    sockets,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
