import { request } from 'node:http';

/** One response the browser saw. */
export interface Page {
  url: string;
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

interface Cookie {
  name: string;
  value: string;
  host: string;
  domain: boolean;
  path: string;
}

export interface BrowserOptions {
  /** Extra request headers on every request (e.g. a spoofed identity header). */
  headers?: Record<string, string>;
}

/**
 * A scripted browser for login tests: follows redirects, keeps cookies per host (host-only and
 * Domain cookies, Max-Age=0 deletes), sends what a browser sends on a navigation (Accept,
 * Sec-Fetch-Mode/-Site/-Dest). Only loopback: `127.0.0.1` and `*.localhost` hosts, which it
 * connects to on 127.0.0.1 with the real Host header, as browsers resolve `.localhost`.
 * Secure cookies are sent over http, as browsers do for loopback.
 */
export class Browser {
  readonly cookies: Cookie[] = [];
  readonly history: Page[] = [];
  private readonly options: BrowserOptions;
  constructor(options: BrowserOptions = {}) {
    this.options = options;
  }

  cookieHeader(url: URL): string {
    return this.cookies
      .filter(
        (c) =>
          (c.domain
            ? url.hostname === c.host || url.hostname.endsWith(`.${c.host}`)
            : url.hostname === c.host) && url.pathname.startsWith(c.path),
      )
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
  }

  cookie(host: string, name: string): string | undefined {
    return this.cookies.find((c) => c.host === host && c.name === name)?.value;
  }

  private store(url: URL, setCookie: string | string[] | undefined): void {
    for (const line of [setCookie ?? []].flat()) {
      const [pair = '', ...attrs] = line.split(';').map((s) => s.trim());
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      const attr = (n: string) => attrs.find((a) => a.toLowerCase().startsWith(`${n}=`))?.split('=')[1];
      const domainAttr = attr('domain');
      const cookie: Cookie = {
        name,
        value,
        host: domainAttr?.replace(/^\./, '') ?? url.hostname,
        domain: domainAttr !== undefined,
        path: attr('path') ?? '/',
      };
      // A cookie is its name, host and path (RFC 6265 5.3): the provider keeps one per interaction.
      const i = this.cookies.findIndex(
        (c) => c.name === name && c.host === cookie.host && c.path === cookie.path,
      );
      if (i >= 0) this.cookies.splice(i, 1);
      if (attr('max-age') !== '0' && value !== '') this.cookies.push(cookie);
    }
  }

  /** One request, no redirect following. */
  send(
    method: string,
    href: string,
    init: { headers?: Record<string, string>; body?: string; site?: string } = {},
  ): Promise<Page> {
    const url = new URL(href);
    if (
      url.hostname !== '127.0.0.1' &&
      url.hostname !== 'localhost' &&
      !url.hostname.endsWith('.localhost')
    ) {
      throw new Error(`browser: refusing non-loopback ${url.hostname}`);
    }
    const headers: Record<string, string> = {
      host: url.host,
      accept: 'text/html,application/xhtml+xml',
      'sec-fetch-mode': 'navigate',
      'sec-fetch-dest': 'document',
      'sec-fetch-site': init.site ?? 'none',
      ...this.options.headers,
      ...init.headers,
    };
    // The jar's cookies follow any the request names itself (an app's own, in tests).
    const cookie = this.cookieHeader(url);
    if (cookie) headers.cookie = headers.cookie ? `${headers.cookie}; ${cookie}` : cookie;
    if (init.body !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      headers['content-length'] = String(Buffer.byteLength(init.body));
    }
    return new Promise((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: url.port || 80, method, path: `${url.pathname}${url.search}`, headers },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            this.store(url, res.headers['set-cookie']);
            const page = {
              url: url.href,
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: Buffer.concat(chunks).toString('utf8'),
            };
            this.history.push(page);
            resolve(page);
          });
        },
      );
      req.on('error', reject);
      req.end(init.body);
    });
  }

  /** A navigation: follows up to 20 redirects, as a browser does (302/303 become GET). */
  async navigate(
    href: string,
    init: { method?: string; body?: string; headers?: Record<string, string> } = {},
  ): Promise<Page> {
    let method = init.method ?? 'GET';
    let body = init.body;
    let url = href;
    let site = 'none';
    let previous: URL | undefined;
    for (let i = 0; i < 20; i++) {
      const page = await this.send(method, url, { headers: init.headers, body, site });
      const location = page.headers.location;
      if (page.status < 300 || page.status > 399 || typeof location !== 'string') return page;
      previous = new URL(url);
      const next = new URL(location, url);
      site = next.origin === previous.origin ? 'same-origin' : 'cross-site';
      url = next.href;
      if (page.status !== 307 && page.status !== 308) {
        method = 'GET';
        body = undefined;
      }
    }
    throw new Error('browser: too many redirects');
  }

  /**
   * Submits a page's first POST form with its hidden fields, as its script or a click would
   * (the service's sign-out page posts to the provider's end-session this way).
   */
  async submit(page: Page): Promise<Page> {
    const form = formOf(page);
    if (!form) throw new Error(`browser: no form at ${page.url} (${page.status})`);
    return this.navigate(form.action, { method: 'POST', body: new URLSearchParams(form.fields).toString() });
  }

  /** Submits the development provider's login form as `username`. */
  async signInAs(page: Page, username: string): Promise<Page> {
    const action = /<form method="post" action="([^"]+)"/.exec(page.body)?.[1];
    if (!action) throw new Error(`browser: no login form at ${page.url} (${page.status})`);
    return this.navigate(new URL(action.replace(/&amp;/g, '&'), page.url).href, {
      method: 'POST',
      body: `username=${encodeURIComponent(username)}`,
    });
  }
}

const unescapeHtml = (s: string): string =>
  s.replace(/&#(\d+);/g, (_m, n: string) => String.fromCharCode(Number(n))).replace(/&amp;/g, '&');

/** The first POST form of a page: its action (absolute) and hidden fields. */
export function formOf(page: Page): { action: string; fields: Record<string, string> } | undefined {
  const form = /<form method="post" action="([^"]*)">([\s\S]*?)<\/form>/.exec(page.body);
  if (!form) return undefined;
  const fields: Record<string, string> = {};
  for (const m of (form[2] as string).matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g))
    fields[unescapeHtml(m[1] as string)] = unescapeHtml(m[2] as string);
  return { action: new URL(unescapeHtml(form[1] as string), page.url).href, fields };
}
