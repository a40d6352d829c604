import type { Server } from 'node:http';
import type { Socket } from 'node:net';

const FIRST_REQUEST = Symbol('first request timer');
type Watched = Socket & { [FIRST_REQUEST]?: NodeJS.Timeout };

/**
 * What the check server bounds about connections themselves (fastify bounds the request: 15 s
 * to arrive whole, 72 s of keep-alive after the last answer): at most `maxConnections` at once,
 * the next closed at once; one that opens and says nothing is closed after `firstRequestMs` (Node keeps such
 * a socket forever). A socket timeout would do the second too, at the cost of a timer refresh on
 * every read and write of every request. Returns what each request calls to disarm its socket's
 * timer; CONNECT, which Node would close without a word, gets a 405.
 */
export function boundConnections(
  server: Server,
  maxConnections: number,
  /** How long a new connection may stay silent. Default 10 s. */
  firstRequestMs = 10_000,
): (socket: Socket) => void {
  server.maxConnections = maxConnections;
  server.on('connection', (socket: Watched) => {
    socket[FIRST_REQUEST] = setTimeout(() => socket.destroy(), firstRequestMs).unref();
  });
  server.on('connect', (_req, socket) =>
    socket.end('HTTP/1.1 405 Method Not Allowed\r\ncontent-length: 0\r\nconnection: close\r\n\r\n'),
  );
  return (socket: Watched) => {
    const timer = socket[FIRST_REQUEST];
    if (timer !== undefined) {
      clearTimeout(timer);
      socket[FIRST_REQUEST] = undefined;
    }
  };
}
