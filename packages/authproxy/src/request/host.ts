import { isIPv6 } from 'node:net';

/** A plain `host[:port]` as a request names its app, lower-cased. */
export interface Authority {
  /** With the port when it is not the scheme's default, for URLs: `pdf.example.com:8443`. */
  host: string;
  /** Without the port, for policies, cookies and allow-lists; IPv6 literals keep their brackets. */
  hostname: string;
}

/** DNS labels (letters, digits, `-`, `_` for home-lab names), an IPv4 address, or an IPv6 literal. */
const AUTHORITY =
  /^(?:([a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*)|(\[[0-9a-f:.]{2,45}\]))(?::([1-9][0-9]{0,4}))?$/;

/**
 * Reads a Host (or X-Forwarded-Host) value. Only a plain `host[:port]` is a host: userinfo
 * (`pdf.example.com:443@evil.example`, which a URL parser reads as evil.example), paths,
 * spaces, a trailing dot, an empty or out-of-range port, lists (`a, b`) are undefined, so the
 * request is a 400 and no redirect is ever built from them. The scheme's default port is
 * dropped (RFC 3986 6.2.3), so redirect URIs match what the provider has registered.
 */
export function parseAuthority(value: string | undefined, scheme: 'http' | 'https'): Authority | undefined {
  if (value === undefined || value.length > 260) return undefined;
  const m = AUTHORITY.exec(value.toLowerCase());
  if (!m) return undefined;
  const hostname = (m[1] ?? m[2]) as string;
  if (m[2] !== undefined && !isIPv6(hostname.slice(1, -1))) return undefined;
  const port = m[3];
  if (port !== undefined && Number(port) > 65535) return undefined;
  const defaultPort = scheme === 'https' ? '443' : '80';
  return { host: port === undefined || port === defaultPort ? hostname : `${hostname}:${port}`, hostname };
}
