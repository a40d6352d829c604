import { document, PAGE_CSP, type PageForm, page } from './pages.ts';

/** The answer to a check. Only 200 allows; every other status is shown to the client as is. */
export interface Reply {
  status: number;
  headers: Record<string, string | string[]>;
  body: string;
  /** Why, for metrics and logs: allow, public, login, forbidden, unauthenticated, ... */
  reason: string;
  /** The header lines as written ([name, value, ...]), kept on replies that are reused. */
  wire?: readonly string[];
}

/**
 * A reply's header lines in the flat form Node's `writeHead` takes, `content-length` included
 * (written by hand, Node would otherwise send an empty body chunked).
 */
export function wireHeaders(reply: Reply): readonly string[] {
  if (reply.wire) return reply.wire;
  const out: string[] = [];
  for (const [name, value] of Object.entries(reply.headers)) {
    if (typeof value === 'string') out.push(name, value);
    else for (const v of value) out.push(name, v);
  }
  out.push('content-length', String(Buffer.byteLength(reply.body)));
  return out;
}

/** Header values must be visible ASCII: anything else (names with accents, commas in groups) is percent-encoded. */
export const headerSafe = (v: string): string => v.replace(/[^\x20-\x7e]|%/g, (c) => encodeURIComponent(c));

/** A redirect the browser follows (302: the method becomes GET; never 307, which would replay a POST). */
export function redirect(location: string, cookies: string[], reason: string): Reply {
  const headers: Record<string, string | string[]> = { location, 'cache-control': 'no-store' };
  if (cookies.length > 0) headers['set-cookie'] = cookies;
  return { status: 302, headers, body: '', reason };
}

/** A page the service answers itself: a person reads it (no cache, the pages' CSP). */
export function htmlDocument(
  status: number,
  body: string,
  reason: string,
  extra: Record<string, string | string[]> = {},
): Reply {
  return {
    status,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'content-security-policy': PAGE_CSP,
      ...extra,
    },
    body,
    reason,
  };
}

export function htmlPage(
  status: number,
  title: string,
  text: string,
  reason: string,
  extra: Record<string, string | string[]> = {},
  form?: PageForm,
): Reply {
  return htmlDocument(status, page(title, text, form), reason, extra);
}

/** A page of the service's own HTML (`body`, every value in it escaped), under `title`. */
export const richPage = (status: number, title: string, body: string, reason: string): Reply =>
  htmlDocument(status, document(title, body), reason);

/**
 * For API clients: 401 with a Bearer challenge (RFC 6750 3), and a Basic one (RFC 7617) first
 * where app passwords are taken (clients that only speak Basic look for it).
 */
export function unauthorized(host: string, reason: string, error?: string, basic = false): Reply {
  const realm = `realm="${headerSafe(host).replace(/"/g, '%22')}"`;
  const bearer = `Bearer ${realm}${error ? `, error="${error}"` : ''}`;
  return {
    status: 401,
    headers: {
      'www-authenticate': basic ? [`Basic ${realm}, charset="UTF-8"`, bearer] : bearer,
      'content-type': 'text/plain; charset=utf-8',
      'cache-control': 'no-store',
    },
    body: 'authentication required\n',
    reason,
  };
}
