import { isIP } from 'node:net';
import { checkConfig, cidrMatcher, hasCode } from '@horizon/shared';
import type { DnsConfig } from './config.ts';
import { type StaticRecord, staticRecords } from './static-records.ts';
import type { UpstreamAddress } from './upstream/address.ts';
import { type ForwardRule, parseForwarding } from './upstream/forwarding.ts';
import type { DotSettings } from './upstream/tls-settings.ts';
import { isDnsName, normalName } from './wire/name.ts';

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
  | 'records'
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
 * case without the final dot, upstreams as addresses (upstream/forwarding.ts), address ranges
 * compiled, the nameserver's name decided. Nothing after this step parses config text.
 */
export interface DnsSettings extends Omit<DnsConfig, Parsed> {
  zones: readonly string[];
  reverseZones: readonly string[];
  /** The name in the apex NS and SOA (the config's, or `ns.<first zone>`), and its addresses. */
  nameserver: { name: string; addresses: readonly string[] };
  zoneMiss: Omit<DnsConfig['zoneMiss'], 'upstreams'> & { upstreams: readonly UpstreamAddress[] };
  acl: { allow: AddressMatcher };
  forward: Omit<DnsConfig['forward'], 'upstreams' | 'rules' | 'tls'> & {
    upstreams: readonly UpstreamAddress[];
    rules: readonly ForwardRule[];
    tls: DotSettings;
  };
  views: readonly View[];
  records: readonly StaticRecord[];
}

/**
 * Checks what the schema cannot and parses the config into DnsSettings. Every problem is reported
 * at once, each naming its key (shared checkConfig): zones that are not DNS names, address
 * ranges, answer addresses that are not IP addresses, and forwarding (upstream/forwarding.ts):
 * upstreams that are not addresses, rules that misroute, a zone name sent where it would loop.
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
  const reverseZones = c.reverseZones.map((z, i) => dnsName(z, `reverseZones[${i}]`, fail));
  const forwarding = parseForwarding(c, [...zones, ...reverseZones], fail);
  return {
    ...c,
    zones,
    reverseZones,
    nameserver: { name: nameserver, addresses: c.nameserver.addresses },
    zoneMiss: { ...c.zoneMiss, upstreams: forwarding.zoneMiss },
    acl: { allow: ranges(c.acl.allow, 'acl.allow', fail) },
    forward: { ...c.forward, upstreams: forwarding.upstreams, rules: forwarding.rules, tls: forwarding.tls },
    records: staticRecords(c.records, zones, fail),
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
