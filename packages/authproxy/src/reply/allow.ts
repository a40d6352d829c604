import type { IdentityHeaders } from '../request/identity-headers.ts';
import type { Identity } from '../session/types.ts';
import { headerSafe, type Reply, wireHeaders } from './reply.ts';

/**
 * How a request passed, in the answer's access header (`X-Auth-Request-Access`) and its reason:
 * the first three carry a user, `network` and `public` none.
 */
export type Access = 'session' | 'app-password' | 'bearer' | 'network' | 'public';

/** Answers a check with allow: the identity headers set, every other managed one removed. */
export type Allow = (
  id: Identity | undefined,
  jwt: string | undefined,
  reason: Access,
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

  const build = (id: Identity | undefined, jwt: string | undefined, reason: Access, fillEmpty: boolean) => {
    const out: Record<string, string> = {};
    // Forward-auth proxies copy headers from the answer by name; Caddy 2.6 sets the literal
    // placeholder text when one is missing. Sending every managed header (empty when unknown)
    // leaves nothing for the client's copy to survive in. Their recipes also copy Authorization,
    // which is empty here and the client's own (or the app's credential) where it is kept
    // (reply/app-headers.ts).
    if (fillEmpty) {
      for (const n of names.set) out[n] = '';
      out.authorization = '';
    }
    out[names.access] = reason;
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
