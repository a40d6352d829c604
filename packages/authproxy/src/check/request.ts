import { BlockList, isIP } from 'node:net';
import type { AuthConfig } from '../config.ts';

/** One check, whoever asked: Envoy's ext_authz or a forward-auth proxy (Caddy, nginx, Traefik). */
export interface CheckRequest {
  via: 'envoy' | 'forward-auth';
  method: string;
  /** Host as the client sent it, lower-cased, port kept (for URLs). */
  host: string;
  /** Host without the port, for policies and allow-lists. */
  hostname: string;
  /** Original path and query, raw. */
  path: string;
  scheme: 'http' | 'https';
  cookies: Record<string, string | undefined>;
  authorization: string | undefined;
  /** The browser navigated here (a page load), so a redirect to the login makes sense. */
  navigation: boolean;
  /** Sec-Fetch-Site, when the browser sent it and the proxy forwarded it. */
  fetchSite: string | undefined;
  /** nginx auth_request can only pass 2xx/401/403: redirects become 401 there. */
  authRequest: boolean;
  /** The proxy forwarded none of the headers a login needs (headersToExtAuth missing). */
  bare: boolean;
}

/** `scheme://host` of the app the check is about. */
export const originOf = (req: CheckRequest): string => `${req.scheme}://${req.host}`;

/** The URL the client asked for, parsed (for its query). Concatenated, so `//host/..` paths stay on this host. */
export const urlOf = (req: CheckRequest): URL => new URL(`${originOf(req)}${req.path}`);

/** What the HTTP layer hands over: plain values, so tests need no server. */
export interface RawCheck {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  cookies: Record<string, string | undefined>;
  peer: string;
}

const one = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);

export function trustedProxyList(cidrs: readonly string[]): BlockList {
  const list = new BlockList();
  for (const cidr of cidrs) {
    const [address = '', bits] = cidr.split('/');
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(address, family);
    else list.addSubnet(address, Number(bits), family);
  }
  return list;
}

const peerTrusted = (list: BlockList, peer: string): boolean => {
  const address = peer.startsWith('::ffff:') ? peer.slice(7) : peer;
  const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
  return isIP(address) !== 0 && list.check(address, family);
};

/**
 * Reads a check. Envoy sends the original method, Host and path (after its configured prefix);
 * forward-auth proxies send `X-Forwarded-Method/-Host/-Uri`, believed only from trusted
 * addresses. Returns `untrusted` when such headers come from anyone else.
 */
export function readCheck(
  raw: RawCheck,
  config: Pick<AuthConfig, 'scheme'>,
  trusted: BlockList,
): CheckRequest | 'untrusted' {
  const h = raw.headers;
  const fwdUri = one(h['x-forwarded-uri']);
  const fwdMethod = one(h['x-forwarded-method']);
  const forwardAuth = fwdUri !== undefined || fwdMethod !== undefined;
  const authRequestHeader = one(h['x-horizon-auth-request']) !== undefined;
  // The address check only matters when the request claims to come from a proxy.
  const isTrusted = (forwardAuth || authRequestHeader) && peerTrusted(trusted, raw.peer);
  if (forwardAuth && !isTrusted) return 'untrusted';
  const host = ((forwardAuth ? one(h['x-forwarded-host']) : undefined) ?? one(h.host) ?? '').toLowerCase();
  const scheme = config.scheme !== 'auto' ? config.scheme : forwardedProto(one(h['x-forwarded-proto']));
  const fetchMode = one(h['sec-fetch-mode']);
  const accept = one(h.accept) ?? '';
  const authorization = one(h.authorization);
  const navigation =
    authorization === undefined &&
    (fetchMode !== undefined ? fetchMode === 'navigate' : accept.includes('text/html'));
  return {
    via: forwardAuth ? 'forward-auth' : 'envoy',
    method: fwdMethod === undefined ? raw.method : fwdMethod.toUpperCase(),
    host,
    hostname: hostnameOf(host),
    path: fwdUri ?? raw.url,
    scheme,
    cookies: raw.cookies,
    authorization,
    navigation,
    fetchSite: one(h['sec-fetch-site']),
    authRequest: isTrusted && authRequestHeader,
    bare:
      h.cookie === undefined &&
      h.accept === undefined &&
      !forwardAuth &&
      h['x-request-id'] === undefined &&
      h['x-forwarded-proto'] === undefined &&
      h['x-forwarded-for'] === undefined,
  };
}

/** The first hop's scheme (`X-Forwarded-Proto: https, http` lists every hop); only `http` downgrades. */
function forwardedProto(value: string | undefined): 'http' | 'https' {
  if (value === undefined) return 'https';
  const comma = value.indexOf(',');
  return (comma < 0 ? value : value.slice(0, comma)).trim() === 'http' ? 'http' : 'https';
}

/** Host without the port; IPv6 literals keep their brackets. */
function hostnameOf(host: string): string {
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1);
  const colon = host.indexOf(':');
  return colon < 0 ? host : host.slice(0, colon);
}
