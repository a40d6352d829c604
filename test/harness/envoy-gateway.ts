import { randomUUID } from 'node:crypto';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  request,
  type Server,
  type ServerResponse,
} from 'node:http';
import { closeServer, listenOn } from './http-server.ts';

/**
 * An Envoy ext_authz (HTTP service) contract harness, written from Envoy's documentation and
 * source (`ext_authz_http_impl.cc`) and Envoy Gateway's SecurityPolicy `extAuth.http` API, since
 * Envoy itself cannot be installed here. It is the gateway of the demo and of the tests:
 *
 * - before the check, the connection manager sets `x-forwarded-for`, `x-forwarded-proto` and
 *   `x-request-id`, and drops nothing the client sent;
 * - the check request keeps the method, sends `path` = the configured prefix + the original path
 *   and query, the `Host`, `Authorization`, `Content-Length: 0`, and only the headers
 *   `headersToExtAuth` lists (Envoy Gateway's default forwards nothing else);
 * - 200 allows: the headers of the answer named in `headersToBackend` overwrite the client's,
 *   and the names in `x-envoy-auth-headers-to-remove` are removed, before the request goes on;
 * - a 5xx, a timeout or a connection error is Envoy's own 403 with an empty body (not the
 *   service's page), unless `failOpen`;
 * - any other status is a denial handed to the client as it is: status, body, and every header
 *   (`Location` and each `Set-Cookie` included) but the hop-by-hop ones.
 */
export interface EnvoyGatewayOptions {
  host?: string;
  port?: number;
  /** The auth service, e.g. `http://127.0.0.1:4180`. */
  authUrl: string;
  pathPrefix?: string;
  headersToExtAuth?: string[];
  headersToBackend?: string[];
  failOpen?: boolean;
  timeoutMs?: number;
  /** Where allowed requests go: the app, e.g. `http://127.0.0.1:5678`. */
  backendUrl: string;
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

export const EXT_AUTH_HEADERS = [
  'cookie',
  'accept',
  'x-forwarded-proto',
  'x-forwarded-for',
  'x-request-id',
  'sec-fetch-mode',
  'sec-fetch-site',
  'sec-fetch-dest',
  'sec-fetch-user',
];
/** The headersToBackend of the design's SecurityPolicy: Horizon auth's identity headers. */
export const IDENTITY_HEADERS = [
  'x-auth-request-user',
  'x-auth-request-subject',
  'x-auth-request-email',
  'x-auth-request-groups',
  'x-auth-request-name',
];
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

interface Upstream {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

function call(
  target: string,
  method: string,
  path: string,
  headers: Record<string, string | string[]>,
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

export async function startEnvoyGateway(options: EnvoyGatewayOptions): Promise<EnvoyGateway> {
  const toAuth = new Set((options.headersToExtAuth ?? EXT_AUTH_HEADERS).map((h) => h.toLowerCase()));
  const toBackend = new Set((options.headersToBackend ?? []).map((h) => h.toLowerCase()));
  const checks: CheckRecord[] = [];
  const authOrigin = new URL(options.authUrl);

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const headers: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = v;
    const peer = req.socket.remoteAddress ?? '';
    headers['x-forwarded-for'] = headers['x-forwarded-for'] ? `${headers['x-forwarded-for']}, ${peer}` : peer;
    headers['x-forwarded-proto'] = 'http';
    headers['x-request-id'] = randomUUID();
    const body = await readBody(req);

    const checkHeaders: Record<string, string | string[]> = {
      host: String(req.headers.host ?? ''),
      'content-length': '0',
    };
    for (const [k, v] of Object.entries(headers))
      if (k === 'authorization' || toAuth.has(k)) checkHeaders[k] = v;
    const path = `${options.pathPrefix ?? ''}${req.url ?? '/'}`;
    checks.push({ method: req.method ?? 'GET', path, headers: { ...checkHeaders } });
    let auth: Upstream | undefined;
    try {
      auth = await call(
        authOrigin.href,
        req.method ?? 'GET',
        path,
        checkHeaders,
        undefined,
        options.timeoutMs ?? 10_000,
      );
    } catch {
      auth = undefined;
    }
    const failed = auth === undefined || auth.status >= 500;
    if (failed && !options.failOpen) {
      res.writeHead(403, { 'content-length': '0' }).end();
      return;
    }
    if (auth && !failed && auth.status !== 200) return reply(res, auth);
    if (auth?.status === 200) {
      for (const [k, v] of Object.entries(auth.headers))
        if (toBackend.has(k) && v !== undefined) headers[k] = v;
      const remove = String(auth.headers['x-envoy-auth-headers-to-remove'] ?? '')
        .split(',')
        .map((s) => s.trim().toLowerCase())
        .filter((s) => s && s !== 'host');
      for (const name of remove) delete headers[name];
    }
    const backend = new URL(options.backendUrl);
    delete headers['content-length'];
    if (body.length > 0) headers['content-length'] = String(body.length);
    reply(res, await call(backend.href, req.method ?? 'GET', req.url ?? '/', headers, body, 30_000));
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
