import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { Logger } from '../log.ts';
import type { Readiness } from './readiness.ts';

/** What an extra ops route returns. JSON bodies are serialised for it. */
export interface OpsResponse {
  status?: number;
  json?: unknown;
  text?: string;
  /** A whole HTML page (a status page); served with a policy that lets it load nothing. */
  html?: string;
}

/** An extra read-only route on the ops port, such as the DNS service's `/records`. */
export type OpsRoute = (url: URL) => OpsResponse | Promise<OpsResponse>;

/** Options of {@link createOpsServer}. */
export interface OpsServerOptions {
  host: string;
  port: number;
  readiness: Readiness;
  registry: Registry;
  logger: Logger;
  routes?: Record<string, OpsRoute>;
}

export interface OpsServer {
  /** Starts listening; resolves with the bound address (port 0 picks a free one). */
  listen(): Promise<AddressInfo>;
  close(): Promise<void>;
}

/**
 * The ops HTTP server of a service, on its own port so that probes and scrapes never queue
 * behind traffic: `/healthz` (the process is alive), `/readyz` (every readiness check passes;
 * `?verbose` lists them), `/metrics` (Prometheus text), plus the service's own routes.
 */
export function createOpsServer(options: OpsServerOptions): OpsServer {
  const { readiness, registry, logger } = options;
  const routes: Record<string, OpsRoute> = {
    '/healthz': () => ({ text: 'ok\n' }),
    '/readyz': (url) => {
      const status = readiness.status();
      const code = status.ready ? 200 : 503;
      return url.searchParams.has('verbose')
        ? { status: code, json: status }
        : { status: code, text: status.ready ? 'ok\n' : 'not ready\n' };
    },
    ...options.routes,
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return send(res, 405, 'text/plain', 'method not allowed\n', { allow: 'GET, HEAD' });
    }
    // A target such as `//` reads as a URL without a host: the client's mistake, not an error to
    // log (anyone who reaches the port could otherwise write a stack trace per request).
    const url = URL.parse(req.url ?? '/', 'http://ops.invalid');
    if (url === null) return send(res, 400, 'text/plain', 'bad request\n');
    if (url.pathname === '/metrics') {
      return send(res, 200, registry.contentType, await registry.metrics());
    }
    const route = routes[url.pathname];
    if (!route) return send(res, 404, 'text/plain', 'not found\n');
    const out = await route(url);
    if (out.html !== undefined) {
      // Inline styles only; no script, no request anywhere (not even a favicon).
      return send(res, out.status ?? 200, 'text/html; charset=utf-8', out.html, {
        'content-security-policy':
          "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'",
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
      });
    }
    if (out.json !== undefined) {
      return send(res, out.status ?? 200, 'application/json', `${JSON.stringify(out.json, null, 2)}\n`);
    }
    return send(res, out.status ?? 200, 'text/plain; charset=utf-8', out.text ?? '');
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      logger.error({ err, path: req.url }, 'ops request failed');
      if (!res.headersSent) send(res, 500, 'text/plain', 'internal error\n');
      else res.destroy();
    });
  });
  // Probes open a connection per request; keep idle ones short so close() is quick.
  server.keepAliveTimeout = 2_000;

  return {
    listen: () =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(options.port, options.host, () => {
          server.off('error', reject);
          resolve(server.address() as AddressInfo);
        });
      }),
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function send(
  res: ServerResponse,
  status: number,
  contentType: string,
  body: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store', ...headers });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}
