import { deriveAnswer } from './app-headers.ts';
import type { Reply } from './reply.ts';

/**
 * The Cookie header an app may see: the request's own, without this service's cookies (the
 * session and the login flows). Every app behind the gateway receives the Cookie header, and a
 * session cookie an app could read is one it could replay elsewhere. Pairs are kept as sent.
 * Undefined when the request has no Cookie header; '' when nothing is left.
 */
export function appCookies(
  header: string | undefined,
  session: string,
  flowPrefix: string,
): string | undefined {
  if (header === undefined) return undefined;
  // The common case, a browser with nothing but the session: no split, no join.
  if (!header.includes(';')) return isOurs(header.trim(), session, flowPrefix) ? '' : header;
  const kept: string[] = [];
  for (const raw of header.split(';')) {
    const pair = raw.trim();
    if (pair !== '' && !isOurs(pair, session, flowPrefix)) kept.push(pair);
  }
  return kept.join('; ');
}

const isOurs = (pair: string, session: string, flowPrefix: string): boolean => {
  const eq = pair.indexOf('=');
  const name = eq < 0 ? pair : pair.slice(0, eq).trim();
  return name === session || name.startsWith(flowPrefix);
};

/**
 * An allow answer with the app's Cookie header in it. Envoy applies `cookie` only when
 * headersToBackend lists it, and removes it through `x-envoy-auth-headers-to-remove` when nothing
 * is left; forward-auth proxies copy the `cookie` of the answer (Caddy's copy_headers,
 * nginx's auth_request_set), so theirs always carries one, empty when nothing is left. The
 * answers without app cookies are made once per allow answer (each is made for one kind of proxy,
 * see createAllow's `fillEmpty`, so the answer alone is the key); others per request.
 */
export function createCookieAnswers(): (
  reply: Reply,
  forwardAuth: boolean,
  cookies: string | undefined,
) => Reply {
  const stripped = new WeakMap<Reply, Reply>();
  const derive = (reply: Reply, forwardAuth: boolean, value: string): Reply =>
    value === ''
      ? deriveAnswer(reply, {}, ['cookie'], forwardAuth)
      : deriveAnswer(reply, { cookie: value }, [], forwardAuth);
  return (reply, forwardAuth, cookies) => {
    if (cookies === undefined && !forwardAuth) return reply;
    if (cookies !== undefined && cookies !== '') return derive(reply, forwardAuth, cookies);
    let out = stripped.get(reply);
    if (!out) {
      out = Object.freeze(derive(reply, forwardAuth, ''));
      stripped.set(reply, out);
    }
    return out;
  };
}
