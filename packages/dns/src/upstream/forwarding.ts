import { isIP } from 'node:net';
import { isDnsName, normalName } from '../wire/name.ts';
import { reverseZonesOf } from '../wire/reverse-zones.ts';
import { parseUpstream, type UpstreamAddress } from './address.ts';
import { suffixMatch } from './routing.ts';
import { type DotSettings, parseDot } from './tls-settings.ts';

/** A conditional forwarding rule (`forward.rules[i]`) as the service runs it. */
export interface ForwardRule {
  /** Its config key, `forward.rules[0]`: the name of its pool in logs. */
  key: string;
  /** The domains it covers, lower case without the final dot (CIDRs turned into reverse zones). */
  domains: readonly string[];
  upstreams: readonly UpstreamAddress[];
  /** Its domains lie inside our zones: it takes the zone misses there, marked as zone misses are (loop.ts). */
  inOurZones: boolean;
}

/** The config sections forwarding is made of, as the schema gives them (config.ts). */
export interface ForwardingConfig {
  forward: {
    upstreams: readonly string[];
    rules: readonly { domains: readonly string[]; upstreams: readonly string[] }[];
    tls: { caFile: string; connections: number; pipeline: number; idleTimeoutMs: number };
  };
  zoneMiss: { mode: 'forward' | 'nxdomain' | 'gateway'; upstreams: readonly string[] };
  zoneForwarders: readonly string[];
}

/** Where queries leave for, parsed and checked. */
export interface Forwarding {
  /** `forward.upstreams`: names outside our zones that no rule covers. */
  upstreams: readonly UpstreamAddress[];
  rules: readonly ForwardRule[];
  /** `zoneMiss.upstreams`: names in our zones with nothing, in mode `forward`. */
  zoneMiss: readonly UpstreamAddress[];
  tls: DotSettings;
}

type Fail = (message: string) => void;

/**
 * Parses every upstream list and the rules, and checks what would misroute a query, each problem
 * naming its keys: an upstream that is not an address, a rule domain that is neither a DNS name nor
 * a CIDR, a domain in two rules, a rule for one of our zones themselves (their misses go to
 * `zoneMiss.upstreams`), a rule inside our zones that nothing reaches (no zone misses are
 * forwarded), and the loop rule: our zones' names never go to a resolver that forwards our zones to
 * us (`zoneForwarders`), through `zoneMiss.upstreams` or a rule inside our zones.
 * `ourZones`: the zones and reverse zones, normalised.
 */
export function parseForwarding(c: ForwardingConfig, ourZones: readonly string[], fail: Fail): Forwarding {
  const list = (texts: readonly string[], key: string) =>
    texts.flatMap((text, i) => {
      const parsed = parseUpstream(text);
      if (typeof parsed !== 'string') return [parsed];
      fail(`${key}[${i}]: invalid upstream "${text}": ${parsed}`);
      return [];
    });
  const forwarders = new Map<string, string>(); // address -> its key
  for (const [i, u] of list(c.zoneForwarders, 'zoneForwarders').entries()) {
    forwarders.set(u.host, `zoneForwarders[${i}]`);
  }
  /** Fails for each upstream of `texts` that forwards our zones to us. */
  const noForwarders = (texts: readonly string[], key: string, why: string) => {
    for (const [i, text] of texts.entries()) {
      const u = parseUpstream(text);
      const forwarder = typeof u === 'string' ? undefined : forwarders.get(u.host);
      if (forwarder) {
        fail(
          `${key}[${i}]: ${text} is a zone forwarder (${forwarder}). It sends our zones to Horizon, so ${why} sent to it would loop; use a public resolver.`,
        );
      }
    }
  };
  const zoneMiss = list(c.zoneMiss.upstreams, 'zoneMiss.upstreams');
  noForwarders(c.zoneMiss.upstreams, 'zoneMiss.upstreams', 'zone misses');
  if (c.zoneMiss.mode === 'forward' && c.zoneMiss.upstreams.length === 0) {
    fail(
      'zoneMiss.upstreams: mode "forward" needs at least one resolver (or set zoneMiss.mode to "nxdomain")',
    );
  }
  const ourZoneOf = suffixMatch(ourZones.map((z) => [z, z] as const));
  const claimed = new Map<string, string>(); // domain -> the key that names it
  const rules = c.forward.rules.map((r, i): ForwardRule => {
    const key = `forward.rules[${i}]`;
    const domains = r.domains.flatMap((text, j) => ruleDomains(text, `${key}.domains[${j}]`, fail));
    let inOurZones = false;
    for (const [j, domain] of domains.entries()) {
      const where = `${key}.domains[${j}]`;
      const twin = claimed.get(domain);
      if (twin) fail(`${where}: ${domain} is already forwarded by ${twin}: one rule a domain`);
      claimed.set(domain, where);
      const zone = ourZoneOf(domain);
      if (zone === undefined) continue;
      if (zone === domain) {
        fail(
          `${where}: ${domain} is one of our zones: we answer it, and forward its misses to zoneMiss.upstreams`,
        );
      } else if (c.zoneMiss.mode !== 'forward') {
        fail(
          `${where}: ${domain} is inside our zone ${zone}, whose misses are answered (zoneMiss.mode "${c.zoneMiss.mode}"), never forwarded: the rule would never be used`,
        );
      }
      inOurZones = true;
    }
    if (r.upstreams.length === 0) fail(`${key}.upstreams: a rule needs at least one resolver`);
    if (inOurZones) noForwarders(r.upstreams, `${key}.upstreams`, 'the zone misses this rule takes');
    return { key, domains, upstreams: list(r.upstreams, `${key}.upstreams`), inOurZones };
  });
  return {
    upstreams: list(c.forward.upstreams, 'forward.upstreams'),
    rules,
    zoneMiss,
    tls: parseDot(c.forward.tls, fail),
  };
}

/** A rule's domain as written: a DNS name (`internal`), or a CIDR for its reverse zones (`10.90.0.0/16`). */
function ruleDomains(text: string, key: string, fail: Fail): string[] {
  if (text.includes('/')) {
    const zones = reverseZonesOf(text);
    if (typeof zones !== 'string') return zones;
    fail(`${key}: ${zones}`);
    return [];
  }
  const name = normalName(text);
  if (name === '' || isIP(name) !== 0 || !isDnsName(name)) {
    fail(
      `${key}: "${text}" is not a domain (a DNS name such as "internal", or a CIDR such as "10.90.0.0/16" for its reverse zones; everything else is forward.upstreams)`,
    );
    return [];
  }
  return [name];
}
