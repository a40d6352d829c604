import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from '@horizon/shared';
import { parseCookie } from 'cookie';
import type { Check } from '../check/check.ts';
import { type Reply, wireHeaders } from '../reply/reply.ts';
import { boundConnections } from './connection-bounds.ts';

/** What the check server needs from outside. */
export interface ShellOptions {
  logger: Logger;
  maxConnections: number;
}

/**
 * The HTTP shell around the check. A check carries no body (Envoy sends `Content-Length: 0`,
 * Caddy and nginx send none): such a request is answered straight from Node's request and
 * response, without fastify's per-request objects and routing (a fifth of a cached-session
 * check's cost). Anything with a body goes to fastify, which reads it within `bodyLimit` and
 * drops it (`route`, registered as its one catch-all route; `app.inject` tests take that way).
 * Either way the answer is written to Node's response directly, reused allow answers with
 * their header lines ready-made.
 */
export function createShell(check: Check, options: ShellOptions) {
  let spoke: (socket: IncomingMessage['socket']) => void = () => undefined;

  const send = (res: ServerResponse, out: Reply) => {
    try {
      res.writeHead(out.status, wireHeaders(out) as string[]).end(out.body);
    } catch (err) {
      // Node refused a header value: nothing was written yet. Deny (never a 5xx: see reply/outages.ts).
      options.logger.error({ err, reason: out.reason }, 'answer could not be written');
      res.writeHead(403, { 'content-length': '0', 'cache-control': 'no-store' }).end();
    }
  };

  /** Answers one request; a known session without a promise turn, anything doing I/O later. */
  const answer = (req: IncomingMessage, res: ServerResponse): void => {
    spoke(req.socket);
    const cookie = req.headers.cookie;
    const out = check({
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      headers: req.headers,
      cookies: cookie ? parseCookie(cookie) : {},
      peer: req.socket.remoteAddress ?? '',
    });
    if (out instanceof Promise) out.then((r) => send(res, r));
    else send(res, out);
  };

  /** fastify's serverFactory: bodyless requests answered here, the rest handed to fastify. */
  const serverFactory = (fastifyHandler: (req: IncomingMessage, res: ServerResponse) => void): Server => {
    const server = createServer((req, res) => {
      const length = req.headers['content-length'];
      if (req.headers['transfer-encoding'] === undefined && (length === undefined || length === '0'))
        answer(req, res);
      else fastifyHandler(req, res);
    });
    // What fastify sets on servers it makes itself: a request must arrive whole within 15 s,
    // a connection closes 72 s after its last answer.
    server.requestTimeout = 15_000;
    server.keepAliveTimeout = 72_000;
    spoke = boundConnections(server, options.maxConnections);
    return server;
  };

  return { serverFactory, route: (req: IncomingMessage, res: ServerResponse) => answer(req, res) };
}
