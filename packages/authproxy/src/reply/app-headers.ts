import type { Credentials } from './app-credentials.ts';
import { type Reply, wireHeaders } from './reply.ts';

/**
 * An allow answer with request headers for the app set and removed. Envoy applies a set header
 * when headersToBackend lists it and removes what `x-envoy-auth-headers-to-remove` names;
 * forward-auth proxies copy the headers their recipe names from the answer, so a removed one is
 * sent empty (nginx's proxy_set_header then sends none; Caddy's copy_headers an empty one).
 */
export function deriveAnswer(
  reply: Reply,
  set: Readonly<Record<string, string>>,
  remove: readonly string[],
  forwardAuth: boolean,
): Reply {
  const headers: Record<string, string | string[]> = { ...reply.headers, ...set };
  if (forwardAuth) for (const name of remove) headers[name] = '';
  else if (remove.length > 0) {
    const had = headers['x-envoy-auth-headers-to-remove'];
    headers['x-envoy-auth-headers-to-remove'] = had ? `${had}, ${remove.join(', ')}` : remove.join(', ');
  }
  const out: Reply = { ...reply, headers };
  out.wire = wireHeaders({ ...out, wire: undefined });
  return out;
}

/** What the app receives besides the identity: decided per request by the grant (check/granted.ts). */
export interface AppHeaders {
  /** Headers set on the app's request (the app's credentials, the IdP token, the client's own Authorization). */
  set: Record<string, string>;
  /** Headers taken out of it (an app password, credentials on a public path, a token nobody has). */
  remove: string[];
  /** Depends on this request (a token, the client's header), not only on the answer and the credentials. */
  perRequest: boolean;
}

/** Nothing to add or remove: most answers. */
const NOTHING: AppHeaders = Object.freeze({ set: {}, remove: [], perRequest: false });

/**
 * The app's headers for one allow answer, by the rules each feature states:
 * - the app's own credentials (appCredentials) on every allow but a public path, where a client's
 *   copy is removed instead (a client can never hand the app its own API key);
 * - the user's IdP token (`token`, undefined when there is none: a network pass, a public path, a
 *   bearer asking for an ID token) in its header, removed where there is none;
 * - an app password never reaches the app (it is Horizon's credential, as its cookies are);
 * - otherwise the client's own Authorization, which forward-auth proxies take from the answer.
 */
export function appHeadersOf(o: {
  forwardAuth: boolean;
  publicPath: boolean;
  appPassword: boolean;
  /** The client's Authorization header, if any. */
  authorization: string | undefined;
  credentials: Credentials | undefined;
  idp: { header: string; token: string | undefined } | undefined;
}): AppHeaders {
  if (!o.credentials && !o.idp && !o.appPassword && !(o.forwardAuth && o.authorization !== undefined))
    return NOTHING;
  const set: Record<string, string> = {};
  const remove: string[] = [];
  if (o.credentials) {
    if (o.publicPath) remove.push(...Object.keys(o.credentials));
    else Object.assign(set, o.credentials);
  }
  if (o.idp) {
    const { header, token } = o.idp;
    if (token === undefined) remove.push(header);
    else set[header] = header === 'authorization' ? `Bearer ${token}` : token;
  }
  const decided = 'authorization' in set || remove.includes('authorization');
  const echo = !decided && !o.appPassword && o.forwardAuth && o.authorization !== undefined;
  if (!decided && o.appPassword) remove.push('authorization');
  else if (echo) set.authorization = o.authorization as string;
  return { set, remove, perRequest: echo || o.idp?.token !== undefined };
}

/**
 * Applies {@link appHeadersOf}'s result to an allow answer. One that depends only on the answer
 * and the app's credentials is made once per answer and credentials version (kubelet's update
 * gives a new object), so a policy with credentials still answers a known session from memory.
 */
export function createAppHeaderAnswers(): (
  reply: Reply,
  h: AppHeaders,
  forwardAuth: boolean,
  credentials: Credentials | undefined,
) => Reply {
  const cache = new WeakMap<Reply, WeakMap<object, Reply>>();
  const without = {};
  return (reply, h, forwardAuth, credentials) => {
    if (h === NOTHING) return reply;
    if (h.perRequest) return deriveAnswer(reply, h.set, h.remove, forwardAuth);
    const key = credentials ?? without;
    let byKey = cache.get(reply);
    if (!byKey) {
      byKey = new WeakMap();
      cache.set(reply, byKey);
    }
    let out = byKey.get(key);
    if (!out) {
      out = Object.freeze(deriveAnswer(reply, h.set, h.remove, forwardAuth));
      byKey.set(key, out);
    }
    return out;
  };
}
