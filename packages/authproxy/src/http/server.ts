import type { Logger } from '@horizon/shared';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Check } from '../check/check.ts';
import { createShell } from './shell.ts';

export interface CheckServerOptions {
  logger: Logger;
  /** `listen.maxConnections`. */
  maxConnections: number;
  /** Bodies past this are a 413, unread. */
  bodyLimit?: number;
  /** What closing the server closes too (the provider client, the store, the route watch). */
  onClose: () => Promise<void>;
}

/**
 * The check server: every path and every method is a check, as Envoy's ext_authz sends them.
 * fastify is its shell (the server, timeouts, the body limit); bodyless checks are answered on
 * Node's own request and response (http/shell.ts), the rest through fastify's one catch-all route.
 */
export function createCheckServer(check: Check, options: CheckServerOptions): FastifyInstance {
  const shell = createShell(check, options);
  const app = Fastify({
    logger: false,
    return503OnClosing: false,
    bodyLimit: options.bodyLimit ?? 65_536,
    serverFactory: shell.serverFactory,
  });
  // Checks carry no body worth reading (Envoy sends none); one that comes is read and dropped.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, _body, done) => done(null, undefined));
  app.all('*', (request, reply) => {
    reply.hijack();
    shell.route(request.raw, reply.raw);
  });
  app.addHook('onClose', options.onClose);
  return app;
}
