import { isIP } from 'node:net';
import { checkConfig, cidrMatcher, hasCode } from '@horizon/shared';
import type { DnsConfig } from './config.ts';
import { isDnsName, normalName } from './wire/name.ts';

/** An upstream resolver's address. */
export interface HostPort {
  host: string;
  port: number;
}

/** Whether a client address is in a set of ranges (shared's cidrMatcher, compiled once). */
export type AddressMatcher = (address: string) => boolean;

/** A view after the default one: who is in it, and the Gateway addresses they get. */
export interface View {
  name: string;
  matches: AddressMatcher;
  /** Per Gateway (`namespace/name`), the addresses this view gets instead of the default ones. */
  addresses: Readonly<Record<string, readonly string[]>>;
}

type Parsed =
  | 'zones'
  | 'reverseZones'
  | 'nameserver'
  | 'zoneMiss'
  | 'zoneForwarders'
  | 'acl'
  | 'forward'
  | 'views';

/**
 * The DNS config as the service uses it, parsed once at start (parseDnsConfig): zone names lower
 * case without the final dot, upstreams as `{host, port}`, address ranges compiled, the
 * nameserver's name decided. Nothing after this step parses config text.
 */
export interface DnsSettings extends Omit<DnsConfig, Parsed> {
  zones: readonly string[];
  reverseZones: readonly string[];
  /** The name in the apex NS and SOA (the config's, or `ns.<first zone>`), and its addresses. */
  nameserver: { name: string; addresses: readonly string[] };
  zoneMiss: Omit<DnsConfig['zoneMiss'], 'upstreams'> & { upstreams: readonly HostPort[] };
  acl: { allow: AddressMatcher };
  forward: Omit<DnsConfig['forward'], 'upstreams'> & { upstreams: readonly HostPort[] };
  views: readonly View[];
}

/**
 * Checks what the schema cannot and parses the config into DnsSettings. Every problem is reported
 * at once, each naming its key (shared checkConfig): zones that are not DNS names, upstreams that
 * are not addresses, address ranges, answer addresses that are not IP addresses, and a zone-miss
 * upstream that would loop.
 */
export function parseDnsConfig(c: DnsConfig): DnsSettings {
  let settings: DnsSettings | undefined;
  checkConfig((fail) => {
    settings = parse(c, fail);
  });
  return settings as DnsSettings;
}

type Fail = (message: string) => void;

function parse(c: DnsConfig, fail: Fail): DnsSettings {
  if (c.zones.length === 0) fail('zones: at least one zone is needed (e.g. HORIZON_ZONES=home.example.com)');
  const zones = c.zones.map((z, i) => dnsName(z, `zones[${i}]`, fail));
  const nameserver = c.nameserver.name
    ? dnsName(c.nameserver.name, 'nameserver.name', fail)
    : `ns.${zones[0]}`;
  ipAddresses(c.nameserver.addresses, 'nameserver.addresses', fail);
  for (const [i, g] of c.gateways.entries()) {
    objectRef(g.ref, `gateways[${i}].ref`, fail);
    ipAddresses(g.addresses, `gateways[${i}].addresses`, fail);
  }
  if (c.zoneMiss.mode === 'gateway') objectRef(c.zoneMiss.gateway, 'zoneMiss.gateway', fail);
  const upstreams = (list: readonly string[], key: string) =>
    list.flatMap((text, i) => hostPort(text, `${key}[${i}]`, fail) ?? []);
  const zoneMissUpstreams = upstreams(c.zoneMiss.upstreams, 'zoneMiss.upstreams');
  const forwarders = new Set(upstreams(c.zoneForwarders, 'zoneForwarders').map((u) => u.host));
  for (const [i, u] of zoneMissUpstreams.entries()) {
    if (forwarders.has(u.host)) {
      fail(
        `zoneMiss.upstreams[${i}]: ${c.zoneMiss.upstreams[i]} is a zone forwarder. It sends the zone to Horizon, so zone misses sent to it would loop; use a public resolver.`,
      );
    }
  }
  if (c.zoneMiss.mode === 'forward' && c.zoneMiss.upstreams.length === 0) {
    fail(
      'zoneMiss.upstreams: mode "forward" needs at least one resolver (or set zoneMiss.mode to "nxdomain")',
    );
  }
  return {
    ...c,
    zones,
    reverseZones: c.reverseZones.map((z, i) => dnsName(z, `reverseZones[${i}]`, fail)),
    nameserver: { name: nameserver, addresses: c.nameserver.addresses },
    zoneMiss: { ...c.zoneMiss, upstreams: zoneMissUpstreams },
    acl: { allow: ranges(c.acl.allow, 'acl.allow', fail) },
    forward: { ...c.forward, upstreams: upstreams(c.forward.upstreams, 'forward.upstreams') },
    views: c.views.map((v, i) => {
      for (const [ref, list] of Object.entries(v.addresses)) {
        ipAddresses(list, `views[${i}].addresses.${ref}`, fail);
      }
      return { name: v.name, matches: ranges(v.cidrs, `views[${i}].cidrs`, fail), addresses: v.addresses };
    }),
  };
}

/** A zone or host name, lower case without the final dot; a problem when it is not a DNS name. */
function dnsName(text: string, key: string, fail: Fail): string {
  const name = normalName(text);
  if (!isDnsName(name)) {
    fail(`${key}: "${text}" is not a DNS name (labels of letters, digits, - and _, 63 characters at most)`);
  }
  return name;
}

/** `host`, `host:port` or `[v6]:port` to an upstream address (port 53 by default). */
export function parseHostPort(text: string): HostPort | undefined {
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  const [host, port] = v6
    ? [v6[1] ?? '', v6[2]]
    : isIP(text) === 6
      ? [text, undefined]
      : (text.split(':') as [string, string?]);
  const n = port === undefined ? 53 : Number(port);
  return isIP(host) === 0 || !Number.isInteger(n) || n < 1 || n > 65535 ? undefined : { host, port: n };
}

/** `host:port`, an IPv6 host in brackets: the text parseHostPort reads. */
export const hostPortText = (host: string, port: number): string =>
  isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;

function hostPort(text: string, key: string, fail: Fail): HostPort | undefined {
  const parsed = parseHostPort(text);
  if (!parsed) fail(`${key}: invalid upstream "${text}": need an IP address and an optional port`);
  return parsed;
}

function ranges(cidrs: readonly string[], key: string, fail: Fail): AddressMatcher {
  try {
    return cidrMatcher(cidrs, key);
  } catch (err) {
    if (!hasCode(err, 'E_CONFIG_INVALID')) throw err;
    fail(err.message);
    return () => false;
  }
}

/** Addresses answered in A and AAAA records: IP addresses only. */
function ipAddresses(list: readonly string[], key: string, fail: Fail): void {
  for (const address of list) if (isIP(address) === 0) fail(`${key}: "${address}" is not an IP address`);
}

/** A Gateway named as `namespace/name`. */
function objectRef(ref: string, key: string, fail: Fail): void {
  if (!/^[^/]+\/[^/]+$/.test(ref)) fail(`${key}: "${ref}" must be namespace/name (e.g. network/internal)`);
}
