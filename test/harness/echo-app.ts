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

/**
 * The sample app behind the gateway: answers JSON of what it received (for tests), or, to a
 * browser, a page showing the identity headers (for the demo) with the same JSON in `<pre id="echo">`.
 */
/** What the echo app received, from its JSON or from the page's `<pre id="echo">`. */
export function echoed(body: string): { method: string; url: string; headers: Record<string, string> } {
  const pre = /<pre id="echo">([^<]*)<\/pre>/.exec(body)?.[1];
  const text =
    pre === undefined ? body : pre.replace(/&#(\d+);/g, (_m, n: string) => String.fromCharCode(Number(n)));
  return JSON.parse(text);
}

export async function startEchoApp(options: { host?: string; port?: number } = {}): Promise<EchoApp> {
  const received: EchoApp['received'] = [];
  const server: Server = createServer((req, res) => {
    received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    const identity = Object.entries(req.headers).filter(([k]) => k.startsWith('x-auth-request'));
    if ((req.headers.accept ?? '').includes('text/html')) {
      const rows = identity
        .map(([k, v]) => `<tr><td>${escapeHtml(k)}</td><td>${escapeHtml(String(v))}</td></tr>`)
        .join('');
      res
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
        .end(
          `<!doctype html><html><head><meta charset="utf-8"><title>Sample app</title></head><body style="font:16px system-ui;max-width:40rem;margin:3rem auto"><h1>Hello from the sample app</h1><p>The gateway let you in. The identity headers it added:</p><table border="1" cellpadding="6">${rows}</table><p><a href="/oauth2/sign_out">Sign out</a></p><pre id="echo">${escapeHtml(JSON.stringify({ method: req.method, url: req.url, headers: req.headers }))}</pre></body></html>`,
        );
      return;
    }
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers }));
  });
  const port = await listenOn(server, options.port ?? 0, options.host ?? '127.0.0.1');
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    received,
    close: () => closeServer(server),
  };
}
