import type { AuthConfig } from '../config.ts';
import { clientAddress } from './client-address.ts';
import { parseAuthority } from './host.ts';
import type { IdentityHeaders } from './identity-headers.ts';
import { type PathRefusal, readTarget } from './target.ts';

/** One check, whoever asked: Envoy's ext_authz or a forward-auth proxy (Caddy, nginx, Traefik). */
export interface CheckRequest {
  via: 'envoy' | 'forward-auth';
  /** As sent: methods are case-sensitive (RFC 9110 9.1). */
  method: string;
  /** Host as the client named it, lower-cased, a non-default port kept (for URLs). */
  host: string;
  /** Host without the port, for policies, sessions and allow-lists. */
  hostname: string;
  /** Original path and query as sent, for URLs. */
  target: string;
  /** The path decoded once, as the proxy routes it and the app reads it: what policies judge. */
  path: string;
  /** The path as apps that decode or merge nothing read it, when that differs (see readTarget). */
  spellings: readonly string[];
  /** The policy the operator named in Envoy Gateway's extAuth `path` (`policyPathPrefix`). */
  policyName: string | undefined;
  scheme: 'http' | 'https';
  cookies: Record<string, string | undefined>;
  /** The raw Cookie header, for the app's copy without this service's cookies. */
  cookieHeader: string | undefined;
  authorization: string | undefined;
  /** The browser navigated here (a page load), so a redirect to the login makes sense. */
  navigation: boolean;
  /** Sec-Fetch-Site, when the browser sent it and the proxy forwarded it. */
  fetchSite: string | undefined;
  /** nginx auth_request can only pass 2xx/401/403: every other answer becomes 401 there. */
  authRequest: boolean;
  /** The proxy forwarded none of the headers a login needs (headersToExtAuth missing). */
  bare: boolean;
  /** The client's address as the front reports it (request/client-address.ts), when it can be read. */
  client: string | undefined;
}

/** Why a check was refused before any policy was looked at. */
export type ReadRefusal =
  | PathRefusal
  | 'untrusted-proxy'
  | 'bad-host'
  | 'bad-method'
  | 'identity-header'
  | 'no-policy-prefix';

export interface Refused {
  refused: ReadRefusal;
  /** What to name in logs (the header, the host): never echoed into a page. */
  detail?: string;
  /** From nginx's auth_request sub-request (which passes only 2xx, 401 and 403). */
  authRequest: boolean;
}

/** `scheme://host` of the app the check is about. */
export const originOf = (req: CheckRequest): string => `${req.scheme}://${req.host}`;

/** The URL the client asked for, parsed (for its query). Concatenated, so `//host/..` paths stay on this host. */
export const urlOf = (req: CheckRequest): URL => new URL(`${originOf(req)}${req.target}`);

/** What the HTTP layer hands over: plain values, so tests need no server. */
export interface RawCheck {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  cookies: Record<string, string | undefined>;
  peer: string;
}

/** What reading a check needs from the config, parsed once. */
export interface ReadOptions {
  scheme: AuthConfig['scheme'];
  policyPathPrefix: string;
  /** `trustedProxies`, as the config compiled it. */
  trusted: (address: string) => boolean;
  /** `clientAddress.trustedHops`. */
  trustedHops: number;
  identity: IdentityHeaders;
}

/** What reading a check takes from the parsed config. */
export const readOptionsOf = (config: AuthConfig, identity: IdentityHeaders): ReadOptions => ({
  scheme: config.scheme,
  policyPathPrefix: config.policyPathPrefix,
  trusted: config.trustedProxies,
  trustedHops: config.clientAddress.trustedHops,
  identity,
});

const one = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);
/** A method is a token (RFC 9110 9.1, 5.6.2). */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * Reads a check. Envoy sends the original method, Host and path (after the extAuth `path`
 * prefix); forward-auth proxies send `X-Forwarded-Method/-Host/-Uri`, believed only from trusted
 * addresses. Refuses what cannot be read as one plain request: an untrusted proxy, a Host that
 * is not `host[:port]`, a method that is not a token, an identity header from the client, a path
 * two readers could take differently.
 */
export function readCheck(raw: RawCheck, o: ReadOptions): CheckRequest | Refused {
  const h = raw.headers;
  const fwdUri = one(h['x-forwarded-uri']);
  const fwdMethod = one(h['x-forwarded-method']);
  const forwardAuth = fwdUri !== undefined || fwdMethod !== undefined;
  const authRequestHeader = one(h['x-horizon-auth-request']) !== undefined;
  // The address check only matters when the request claims to come from a proxy.
  const isTrusted = (forwardAuth || authRequestHeader) && o.trusted(raw.peer);
  if (forwardAuth && !isTrusted) return { refused: 'untrusted-proxy', detail: raw.peer, authRequest: false };
  const authRequest = isTrusted && authRequestHeader;
  // Forward-auth proxies copy every client header into the check; Envoy sends only those
  // headersToExtAuth lists, and removes identity headers from the request itself.
  const spoofed = forwardAuth ? o.identity.spoofed(h) : undefined;
  if (spoofed) return { refused: 'identity-header', detail: spoofed, authRequest };
  const method = forwardAuth ? fwdMethod : raw.method;
  if (method === undefined || !TOKEN.test(method)) return { refused: 'bad-method', authRequest };
  const scheme = o.scheme !== 'auto' ? o.scheme : forwardedProto(one(h['x-forwarded-proto']));
  const hostValue = forwardAuth ? (one(h['x-forwarded-host']) ?? one(h.host)) : one(h.host);
  const authority = parseAuthority(hostValue, scheme);
  if (!authority) return { refused: 'bad-host', detail: hostValue?.slice(0, 100), authRequest };
  const named = forwardAuth ? { target: fwdUri ?? '' } : policyTarget(raw.url, o.policyPathPrefix);
  if (!named) return { refused: 'no-policy-prefix', authRequest };
  const read = readTarget(named.target);
  if (read.path === undefined) return { refused: read.refused, authRequest };
  const authorization = one(h.authorization);
  return {
    via: forwardAuth ? 'forward-auth' : 'envoy',
    method,
    ...authority,
    target: named.target,
    path: read.path,
    spellings: read.spellings,
    policyName: named.name,
    scheme,
    cookies: raw.cookies,
    cookieHeader: one(h.cookie),
    authorization,
    navigation: authorization === undefined && isNavigation(h),
    fetchSite: one(h['sec-fetch-site']),
    authRequest,
    bare: !forwardAuth && isBare(h),
    client: clientAddress(one(h['x-forwarded-for']), o.trustedHops),
  };
}

/** A page load: Sec-Fetch-Mode says so, or (from browsers that send none) it accepts HTML. */
function isNavigation(h: RawCheck['headers']): boolean {
  const fetchMode = one(h['sec-fetch-mode']);
  return fetchMode !== undefined ? fetchMode === 'navigate' : (one(h.accept) ?? '').includes('text/html');
}

/** None of the headers a login needs came (Envoy Gateway's headersToExtAuth left empty). */
function isBare(h: RawCheck['headers']): boolean {
  return (
    h.cookie === undefined &&
    h.accept === undefined &&
    h['x-request-id'] === undefined &&
    h['x-forwarded-proto'] === undefined &&
    h['x-forwarded-for'] === undefined
  );
}

/**
 * An Envoy check's path: with `policyPathPrefix` set, every check must be `<prefix><name><path>`
 * (the SecurityPolicy's extAuth `path` is `<prefix><name>`), so the name is always the operator's:
 * a client writing the prefix into its own path gets `<prefix><name><its path>`, and the prefix
 * is one no client can guess (config-check.ts), for a SecurityPolicy that forgot its `path`.
 * Without a prefix, the path is the client's and names nothing. Undefined when the prefix is
 * configured but missing.
 */
function policyTarget(url: string, prefix: string): { target: string; name?: string } | undefined {
  if (prefix === '') return { target: url };
  if (!url.startsWith(prefix)) return undefined;
  const m = /^([A-Za-z0-9._~-]+)(\/.*)?$/.exec(url.slice(prefix.length));
  if (!m) return undefined;
  return { name: m[1], target: m[2] ?? '/' };
}

/** The first hop's scheme (`X-Forwarded-Proto: https, http` lists every hop); only `http` downgrades. */
function forwardedProto(value: string | undefined): 'http' | 'https' {
  if (value === undefined) return 'https';
  const comma = value.indexOf(',');
  return (comma < 0 ? value : value.slice(0, comma)).trim() === 'http' ? 'http' : 'https';
}
