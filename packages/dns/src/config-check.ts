import { isIP } from 'node:net';
import { HorizonError } from '@horizon/shared';
import type { DnsConfig } from './config.ts';

/** `host`, `host:port` or `[v6]:port` to an upstream address. */
export function parseHostPort(text: string, defaultPort = 53): { host: string; port: number } {
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  const [host, port] = v6
    ? [v6[1] ?? '', v6[2]]
    : isIP(text) === 6
      ? [text, undefined]
      : (text.split(':') as [string, string?]);
  const n = port === undefined ? defaultPort : Number(port);
  if (isIP(host) === 0 || !Number.isInteger(n) || n < 1 || n > 65535) {
    throw new HorizonError(
      'E_CONFIG_INVALID',
      `invalid upstream "${text}": need an IP address and an optional port`,
    );
  }
  return { host, port: n };
}

/** Checks what the schema cannot: zones present, upstreams parse, and no zone-miss loop. */
export function checkDnsConfig(c: DnsConfig): void {
  const fail = (message: string) => {
    throw new HorizonError('E_CONFIG_INVALID', `invalid config: ${message}`);
  };
  if (c.zones.length === 0) fail('zones: at least one zone is needed (e.g. HORIZON_ZONES=home.example.com)');
  const forwarders = new Set(c.zoneForwarders.map((a) => parseHostPort(a).host));
  for (const u of [...c.zoneMiss.upstreams, ...c.forward.upstreams]) parseHostPort(u);
  for (const u of c.zoneMiss.upstreams) {
    if (forwarders.has(parseHostPort(u).host)) {
      fail(
        `zoneMiss.upstreams: ${u} is a zone forwarder. It sends the zone to Horizon, so zone misses sent to it would loop; use a public resolver.`,
      );
    }
  }
  if (c.zoneMiss.mode === 'forward' && c.zoneMiss.upstreams.length === 0) {
    fail(
      'zoneMiss.upstreams: mode "forward" needs at least one resolver (or set zoneMiss.mode to "nxdomain")',
    );
  }
}
