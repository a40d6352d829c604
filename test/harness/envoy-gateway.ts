import { randomUUID } from 'node:crypto';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  request,
  type Server,
  type ServerResponse,
} from 'node:http';
import { applyAllow, checkHeaders, EXT_AUTH_HEADERS, type Headers } from './envoy-contract.ts';
import { type EscapedSlashesAction, envoyPath } from './envoy-path.ts';
import { type GatewayRoute, routeOf } from './envoy-routes.ts';
import { closeServer, listenOn } from './http-server.ts';

/**
 * An Envoy ext_authz (HTTP service) contract harness, written from Envoy's documentation and
 * source (`ext_authz_http_impl.cc`, the HTTP/1 codec, the connection manager) and Envoy Gateway's
 * SecurityPolicy `extAuth.http` API and listener defaults, since Envoy itself cannot be installed
 * here. It is the gateway of the demo and of the tests:
 *
 * - an absolute-form request-target names the host (RFC 9112 3.2.2: the Host header is ignored),
 *   and an authority that is not valid is Envoy's own 400;
 * - header names with `_` are a 400 (Envoy Gateway's `headersWithUnderscoresAction` default);
 * - the path is normalized before anything sees it (envoy-path.ts): a fragment or an escaped NUL
 *   is a 400, escaped slashes a 307 to the unescaped path, dot segments and `\` resolved,
 *   slashes merged; routes match on the result, and the check and the app get it;
 * - the connection manager sets `x-forwarded-for`, `x-forwarded-proto` and `x-request-id`;
 * - the check keeps the method, sends `path` = the configured prefix + the path and query, and
 *   the headers `checkHeaders` lists (envoy-contract.ts);
 * - 200 allows, with the answer applied as `applyAllow` says;
 * - a 5xx, a timeout or a connection error is Envoy's own 403 with an empty body, unless `failOpen`;
 * - any other status is a denial handed to the client as it is: status, body, and every header
 *   (`Location` and each `Set-Cookie` included) but the hop-by-hop ones.
 */
export interface EnvoyGatewayOptions {
  host?: string;
  port?: number;
  /** The auth service, e.g. `http://127.0.0.1:4180`. */
  authUrl: string;
  /** The SecurityPolicy's extAuth `http.path`. */
  pathPrefix?: string;
  headersToExtAuth?: string[];
  headersToBackend?: string[];
  failOpen?: boolean;
  timeoutMs?: number;
  /** Where allowed requests go: the app, e.g. `http://127.0.0.1:5678`. */
  backendUrl: string;
  /**
   * HTTPRoute rules: a hostname (or any) and a PathPrefix, matched as Gateway API does (on
   * segment boundaries, on the normalized path, the host from the authority), the most specific
   * first; what none matches goes to `backendUrl`.
   */
  routes?: GatewayRoute[];
  /** ClientTrafficPolicy `path.escapedSlashesAction`. Default: Envoy Gateway's, redirect. */
  escapedSlashes?: EscapedSlashesAction;
  /** ClientTrafficPolicy `headers.withUnderscoresAction`. Default: Envoy Gateway's, reject. */
  underscores?: 'reject' | 'drop' | 'allow';
}

export interface CheckRecord {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
}

export interface EnvoyGateway {
  url: string;
  port: number;
  /** Every check request sent to the auth service, as sent. */
  checks: CheckRecord[];
  close(): Promise<void>;
}

const HOP = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
  'proxy-connection',
  'content-length',
  'host',
]);
/** nghttp2_check_authority's characters, which Envoy's header validation applies to the authority. */
const AUTHORITY = /^[A-Za-z0-9\-._~!$&'()*+,;=:%@[\]]+$/;

interface Upstream {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

function call(
  target: string,
  method: string,
  path: string,
  headers: Headers,
  body: Buffer | undefined,
  timeoutMs: number,
): Promise<Upstream> {
  const url = new URL(target);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, method, path, headers, timeout: timeoutMs },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(body);
  });
}

const readBody = async (req: IncomingMessage): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
};

function reply(res: ServerResponse, up: Upstream): void {
  for (const [name, value] of Object.entries(up.headers))
    if (value !== undefined && !HOP.has(name)) res.setHeader(name, value);
  res.writeHead(up.status).end(up.body);
}

/** Host and origin-form target of a request line; absolute-form names the host itself. */
function targetOf(req: IncomingMessage): { host: string; target: string } | undefined {
  const url = req.url ?? '/';
  if (url.startsWith('/')) return { host: String(req.headers.host ?? ''), target: url };
  const m = /^https?:\/\/([^/?#]*)([^#]*)$/i.exec(url);
  return m ? { host: m[1] as string, target: (m[2] as string) || '/' } : undefined;
}

export async function startEnvoyGateway(options: EnvoyGatewayOptions): Promise<EnvoyGateway> {
  const checks: CheckRecord[] = [];
  const authOrigin = new URL(options.authUrl);
  const routes = options.routes ?? [];
  const underscores = options.underscores ?? 'reject';

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const where = targetOf(req);
    const normalized = where
      ? envoyPath(where.target, { escapedSlashes: options.escapedSlashes })
      : { reject: true as const };
    if (!where || !AUTHORITY.test(where.host) || 'reject' in normalized) return void res.writeHead(400).end();
    if ('redirect' in normalized) return void res.writeHead(307, { location: normalized.redirect }).end();
    const headers: Headers = {};
    for (const [k, v] of Object.entries(req.headers)) {
      if (v === undefined) continue;
      if (k.includes('_') && underscores === 'reject') return void res.writeHead(400).end();
      if (!k.includes('_') || underscores === 'allow') headers[k] = v;
    }
    headers.host = where.host;
    const peer = req.socket.remoteAddress ?? '';
    headers['x-forwarded-for'] = headers['x-forwarded-for'] ? `${headers['x-forwarded-for']}, ${peer}` : peer;
    headers['x-forwarded-proto'] = 'http';
    headers['x-request-id'] = randomUUID();
    const body = await readBody(req);
    const method = req.method ?? 'GET';

    const path = `${options.pathPrefix ?? ''}${normalized.path}`;
    const toAuth = checkHeaders(headers, where.host, options.headersToExtAuth ?? EXT_AUTH_HEADERS);
    checks.push({ method, path, headers: { ...toAuth } });
    let auth: Upstream | undefined;
    try {
      auth = await call(authOrigin.href, method, path, toAuth, undefined, options.timeoutMs ?? 10_000);
    } catch {
      auth = undefined;
    }
    const failed = auth === undefined || auth.status >= 500;
    if (failed && !options.failOpen) return void res.writeHead(403, { 'content-length': '0' }).end();
    if (auth && !failed && auth.status !== 200) return reply(res, auth);
    const upstream =
      auth?.status === 200 ? applyAllow(headers, auth.headers, options.headersToBackend ?? []) : headers;
    delete upstream['content-length'];
    if (body.length > 0) upstream['content-length'] = String(body.length);
    const route = routeOf(routes, where.host, normalized.path);
    const backend = new URL(route?.backendUrl ?? options.backendUrl);
    reply(res, await call(backend.href, method, normalized.path, upstream, body, 30_000));
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(503).end();
      else res.destroy();
    });
  });
  const port = await listenOn(server, options.port ?? 0, options.host ?? '127.0.0.1');
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    port,
    checks,
    close: () => closeServer(server),
  };
}
