import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { escapeHtml } from './html.ts';
import { closeServer, listenOn } from './http-server.ts';

export interface EchoApp {
  url: string;
  port: number;
  /** Every request the app received, headers as received. */
  received: { method: string; url: string; headers: IncomingHttpHeaders }[];
  close(): Promise<void>;
}

/** What the echo app received, from its JSON or from the page's `<script id="echo">`. */
export function echoed(body: string): { method: string; url: string; headers: Record<string, string> } {
  const json = /<script type="application\/json" id="echo">([^<]*)<\/script>/.exec(body)?.[1];
  return JSON.parse(json ?? body);
}

/** A cookie header a person can read: each value cut to its first characters and its length. */
function shortCookies(header: string): string {
  return header
    .split(';')
    .map((pair) => {
      const [name = '', ...rest] = pair.trim().split('=');
      const value = rest.join('=');
      return value.length > 24
        ? `${name}=${value.slice(0, 12)}... (${value.length} characters)`
        : pair.trim();
    })
    .join('; ');
}

const row = (k: string, v: string) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`;

/** The sample app's page: who the gateway says you are, then every header, readable. */
function page(req: { method: string; url: string; headers: IncomingHttpHeaders }): string {
  const headers = Object.entries(req.headers).map(([k, v]) => [
    k,
    Array.isArray(v) ? v.join(', ') : (v ?? ''),
  ]);
  const identity = headers.filter(([k]) => k?.startsWith('x-auth-request'));
  const user = req.headers['x-auth-request-preferred-username'] ?? req.headers['x-auth-request-user'];
  const all = headers.map(([k = '', v = '']) => row(k, k === 'cookie' ? shortCookies(v) : v)).join('');
  // The exact request, for tests (echoed()); `<` escaped so no header can end the script element.
  const exact = JSON.stringify(req).replace(/</g, '\\u003c');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Sample app</title>
<style>body{font:16px system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem}
table{border-collapse:collapse;width:100%;table-layout:fixed}th,td{border:1px solid #ccc;padding:.3rem .5rem;text-align:left;vertical-align:top;overflow-wrap:anywhere}
th{width:16rem;font-weight:600}</style></head><body>
<h1>Hello from the sample app</h1>
<p>${user ? `The gateway let you in as <b>${escapeHtml(String(user))}</b>.` : 'The gateway let this request in without a user.'} <a href="/oauth2/sign_out">Sign out</a></p>
<h2>Identity headers the gateway added</h2><table>${identity.map(([k = '', v = '']) => row(k, v)).join('') || row('(none)', '')}</table>
<h2>The request as the app received it</h2><table>${row('request', `${req.method} ${req.url}`)}${all}</table>
<script type="application/json" id="echo">${exact}</script></body></html>`;
}

/**
 * The sample app behind the gateway: answers JSON of what it received (for tests), or, to a
 * browser, a page showing it readably (for the demo) with the same JSON in `<script id="echo">`.
 */
export async function startEchoApp(options: { host?: string; port?: number } = {}): Promise<EchoApp> {
  const received: EchoApp['received'] = [];
  const server: Server = createServer((req, res) => {
    const seen = { method: req.method ?? '', url: req.url ?? '', headers: req.headers };
    received.push(seen);
    if ((req.headers.accept ?? '').includes('text/html')) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page(seen));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(seen));
  });
  const port = await listenOn(server, options.port ?? 0, options.host ?? '127.0.0.1');
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    received,
    close: () => closeServer(server),
  };
}
