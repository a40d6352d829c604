import type { IdentityHeaders } from '../request/identity-headers.ts';
import type { Identity } from '../session/types.ts';
import { PAGE_CSP, type PageForm, page } from './pages.ts';

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

/** Answers a check with allow: the identity headers set, every other managed one removed. */
export type Allow = (
  id: Identity | undefined,
  jwt: string | undefined,
  reason: string,
  fillEmpty: boolean,
) => Reply;

/**
 * Allow answers for the configured header names. Without an identity JWT an answer depends only
 * on the identity (a cached, immutable session object), the reason and the proxy kind, so it is
 * built once per session and reused: a known session costs a WeakMap lookup, not a rebuild.
 */
export function createAllow(names: IdentityHeaders): Allow {
  const cache = new WeakMap<Identity, Map<string, Reply>>();
  const anonymous = new Map<string, Reply>();

  const build = (id: Identity | undefined, jwt: string | undefined, reason: string, fillEmpty: boolean) => {
    const out: Record<string, string> = {};
    // Forward-auth proxies copy headers from the answer by name; Caddy 2.6 sets the literal
    // placeholder text when one is missing. Sending every managed header (empty when unknown)
    // leaves nothing for the client's copy to survive in.
    if (fillEmpty) for (const n of names.set) out[n] = '';
    if (id) {
      out[names.user] = headerSafe(id.user);
      out[names.subject] = headerSafe(id.sub);
      if (id.email) out[names.email] = headerSafe(id.email);
      out[names.groups] = id.groups.map((g) => headerSafe(g).replaceAll(',', '%2C')).join(',');
      if (id.name) out[names.name] = headerSafe(id.name);
    }
    if (jwt && names.jwt) out[names.jwt] = jwt;
    // Envoy overwrites the headers a 200 carries; the rest are removed so the client's never pass.
    const remove = names.remove.filter((n) => !(n in out));
    if (remove.length > 0) out['x-envoy-auth-headers-to-remove'] = remove.join(', ');
    const reply: Reply = { status: 200, headers: Object.freeze(out), body: '', reason };
    reply.wire = Object.freeze(wireHeaders(reply));
    return Object.freeze(reply);
  };

  return (id, jwt, reason, fillEmpty) => {
    if (jwt) return build(id, jwt, reason, fillEmpty);
    let byReason = id ? cache.get(id) : anonymous;
    if (!byReason) {
      byReason = new Map();
      cache.set(id as Identity, byReason);
    }
    const key = fillEmpty ? `${reason}+` : reason;
    let reply = byReason.get(key);
    if (!reply) {
      reply = build(id, undefined, reason, fillEmpty);
      byReason.set(key, reply);
    }
    return reply;
  };
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
  form?: PageForm,
): Reply {
  return {
    status,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'content-security-policy': PAGE_CSP,
      ...extra,
    },
    body: page(title, text, form),
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
