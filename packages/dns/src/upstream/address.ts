import { isIP } from 'node:net';
import { isDnsName, normalName } from '../wire/name.ts';

/** An address and port (a listener, a resolver). */
export interface HostPort {
  host: string;
  port: number;
}

/**
 * An upstream resolver as configured: plain DNS (UDP, TCP for truncated answers), or DNS over TLS
 * (RFC 7858) when `tls` is set.
 */
export interface UpstreamAddress extends HostPort {
  /**
   * DNS over TLS: `name` is the name its certificate must carry (RFC 8310 §8, the authentication
   * domain name, sent as SNI); without one, the certificate must carry the IP address itself.
   */
  tls?: { name: string | undefined };
}

/** DNS over TLS's port (RFC 7858 §3.1). */
export const DOT_PORT = 853;

/** `host`, `host:port` or `[v6]:port` to an address (`defaultPort` when none is given). */
export function parseHostPort(text: string, defaultPort = 53): HostPort | undefined {
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  const [host, port] = v6
    ? [v6[1] ?? '', v6[2]]
    : isIP(text) === 6
      ? [text, undefined]
      : (text.split(':') as [string, string?]);
  const n = port === undefined ? defaultPort : Number(port);
  return isIP(host) === 0 || !Number.isInteger(n) || n < 1 || n > 65535 ? undefined : { host, port: n };
}

/** `host:port`, an IPv6 host in brackets: the text parseHostPort reads. */
export const hostPortText = (host: string, port: number): string =>
  isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;

/**
 * An upstream as written in config: `1.1.1.1`, `127.0.0.1:5353`, `[::1]:53`, `dns://9.9.9.9`, or
 * DNS over TLS as CoreDNS and unbound write it, `tls://1.1.1.1#cloudflare-dns.com`
 * (`tls://[2606:4700::1111]:853#cloudflare-dns.com`; port 853 by default). Returns why not, as
 * text, when it is none of these. Addresses only: a resolver found by name would need a resolver.
 */
export function parseUpstream(text: string): UpstreamAddress | string {
  const scheme = /^([a-z]+):\/\//i.exec(text)?.[1]?.toLowerCase();
  if (scheme !== undefined && scheme !== 'dns' && scheme !== 'tls') {
    return `"${scheme}://" is not a transport Horizon speaks (plain, dns:// or tls://)`;
  }
  const rest = scheme === undefined ? text : text.slice(scheme.length + 3);
  const [where = '', name, extra] = rest.split('#');
  const tls = scheme === 'tls';
  const address = parseHostPort(where, tls ? DOT_PORT : 53);
  if (!address) return 'need an IP address and an optional port';
  if (name === undefined) return tls ? { ...address, tls: { name: undefined } } : address;
  if (!tls) return 'a name after # is for DNS over TLS only (tls://address#name)';
  const host = normalName(name);
  if (extra !== undefined || !isDnsName(host) || isIP(host) !== 0) {
    return `"${name}" after # is not a host name for the certificate`;
  }
  return { ...address, tls: { name: host } };
}

/**
 * An upstream's name in metrics (`to`) and logs: `host:port` for plain DNS, as always, and
 * `tls://host:port` for DNS over TLS, so a resolver asked both ways shows as two.
 */
export const upstreamLabel = (u: UpstreamAddress): string =>
  u.tls ? `tls://${hostPortText(u.host, u.port)}` : hostPortText(u.host, u.port);
