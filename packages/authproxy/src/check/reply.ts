import type { AuthConfig } from '../config.ts';
import type { Identity } from '../session/types.ts';
import { page } from './pages.ts';

/** The answer to a check. Only 200 allows; every other status is shown to the client as is. */
export interface Reply {
  status: number;
  headers: Record<string, string | string[]>;
  body: string;
  /** Why, for metrics and logs: allow, public, login, forbidden, unauthenticated, ... */
  reason: string;
}

/** Header values must be visible ASCII: anything else (names with accents, commas in groups) is percent-encoded. */
const headerSafe = (v: string): string => v.replace(/[^\x20-\x7e]|%/g, (c) => encodeURIComponent(c));

/**
 * The identity headers the service manages, and the `_` variants some frameworks (CGI, WSGI,
 * PHP) read as the same variable. Every one of them is either set by an allow answer or listed
 * in `x-envoy-auth-headers-to-remove`, so a client can never supply one to the app.
 */
export function identityHeaderNames(headers: AuthConfig['headers']): { set: string[]; remove: string[] } {
  const set = [headers.user, headers.subject, headers.email, headers.groups, headers.name, headers.jwt]
    .filter((n) => n !== '')
    .map((n) => n.toLowerCase());
  const underscored = set.map((n) => n.replaceAll('-', '_'));
  return { set, remove: [...set, ...underscored] };
}

export function allow(
  headers: AuthConfig['headers'],
  names: { set: string[]; remove: string[] },
  id: Identity | undefined,
  jwt: string | undefined,
  reason = 'allow',
  fillEmpty = false,
): Reply {
  const out: Record<string, string> = {};
  // Forward-auth proxies copy headers from the answer by name; Caddy 2.6 sets the literal
  // placeholder text when one is missing. Sending every managed header (empty when unknown)
  // leaves nothing for the client's copy to survive in.
  if (fillEmpty) for (const n of names.set) out[n] = '';
  if (id) {
    out[headers.user.toLowerCase()] = headerSafe(id.user);
    out[headers.subject.toLowerCase()] = headerSafe(id.sub);
    if (id.email) out[headers.email.toLowerCase()] = headerSafe(id.email);
    out[headers.groups.toLowerCase()] = id.groups.map((g) => headerSafe(g).replaceAll(',', '%2C')).join(',');
    if (id.name) out[headers.name.toLowerCase()] = headerSafe(id.name);
    if (jwt && headers.jwt) out[headers.jwt.toLowerCase()] = jwt;
  }
  // Envoy overwrites the headers a 200 carries; the rest are removed so the client's never pass.
  const remove = names.remove.filter((n) => !(n in out));
  if (remove.length > 0) out['x-envoy-auth-headers-to-remove'] = remove.join(', ');
  return { status: 200, headers: out, body: '', reason };
}

/** A redirect the browser follows (302: the method becomes GET; never 307, which would replay a POST). */
export function redirect(location: string, cookies: string[], reason: string): Reply {
  const headers: Record<string, string | string[]> = { location, 'cache-control': 'no-store' };
  if (cookies.length > 0) headers['set-cookie'] = cookies;
  return { status: 302, headers, body: '', reason };
}

export function htmlPage(
  status: number,
  title: string,
  text: string,
  reason: string,
  extra: Record<string, string | string[]> = {},
): Reply {
  return {
    status,
    headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...extra },
    body: page(title, text),
    reason,
  };
}

/** For API clients: 401 with a Bearer challenge (RFC 6750 3). */
export function unauthorized(host: string, reason: string, error?: string): Reply {
  const challenge = `Bearer realm="${headerSafe(host)}"${error ? `, error="${error}"` : ''}`;
  return {
    status: 401,
    headers: {
      'www-authenticate': challenge,
      'content-type': 'text/plain; charset=utf-8',
      'cache-control': 'no-store',
    },
    body: 'authentication required\n',
    reason,
  };
}
