import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { loadConfig } from '@horizon/shared';
import { describe, expect, it } from 'vitest';
import { DnsConfigSchema } from '../src/config.ts';
import { parseDnsConfig } from '../src/settings.ts';
import { parseHostPort } from '../src/upstream/address.ts';

const settingsOf = (overrides: Record<string, unknown>) =>
  parseDnsConfig(
    loadConfig(DnsConfigSchema, {
      overrides: { zones: ['home.example.com'], 'zoneMiss.mode': 'nxdomain', ...overrides },
    }).config,
  );
const problemsOf = (overrides: Record<string, unknown>): string[] => {
  try {
    settingsOf(overrides);
  } catch (err) {
    expect(err).toMatchObject({ code: 'E_CONFIG_INVALID' });
    const lines = (err as Error).message.split('\n');
    return lines.length === 1
      ? [(lines[0] ?? '').replace(/^invalid config: /, '')]
      : lines.slice(1).map((l) => l.trim());
  }
  return [];
};

describe('parseDnsConfig', () => {
  it('normalises zone names once: lower case, no final dot; the nameserver defaults under the first zone', () => {
    const s = settingsOf({
      zones: ['Home.Example.COM.', 'lab.example.net'],
      reverseZones: ['3.90.10.IN-ADDR.ARPA.'],
    });
    expect(s.zones).toEqual(['home.example.com', 'lab.example.net']);
    expect(s.reverseZones).toEqual(['3.90.10.in-addr.arpa']);
    expect(s.nameserver).toEqual({ name: 'ns.home.example.com', addresses: [] });
    expect(settingsOf({ 'nameserver.name': 'NS1.Example.net.' }).nameserver.name).toBe('ns1.example.net');
  });

  it('parses upstreams into {host, port}, port 53 by default, IPv6 in brackets', () => {
    const s = settingsOf({
      'forward.upstreams': ['1.1.1.1', '127.0.0.1:5353', '[::1]:5300', '2606:4700::1111'],
      'zoneMiss.upstreams': ['9.9.9.9'],
    });
    expect(s.forward.upstreams).toEqual([
      { host: '1.1.1.1', port: 53 },
      { host: '127.0.0.1', port: 5353 },
      { host: '::1', port: 5300 },
      { host: '2606:4700::1111', port: 53 },
    ]);
    expect(s.zoneMiss.upstreams).toEqual([{ host: '9.9.9.9', port: 53 }]);
  });

  it('compiles the ACL and the views once', () => {
    const s = settingsOf({
      'acl.allow': ['10.0.0.0/8'],
      views: [
        { name: 'tailnet', cidrs: ['100.64.0.0/10'], addresses: { 'network/internal': ['100.100.3.202'] } },
      ],
    });
    expect([s.acl.allow('10.1.2.3'), s.acl.allow('11.1.2.3')]).toEqual([true, false]);
    expect(s.views[0]?.name).toBe('tailnet');
    expect([s.views[0]?.matches('100.100.1.1'), s.views[0]?.matches('10.1.2.3')]).toEqual([true, false]);
  });

  it('refuses a zone that is not a DNS name, naming the key (SECRET_DOMAIN="bad domain!")', () => {
    expect(problemsOf({ zones: ['bad domain!'] })).toEqual([
      'zones[0]: "bad domain!" is not a DNS name (labels of letters, digits, - and _, 63 characters at most)',
    ]);
    for (const bad of ['', '.', 'a..b', '-a.example.com', `${'x'.repeat(64)}.example.com`, 'ex*mple.com']) {
      expect(problemsOf({ zones: [bad] })).toHaveLength(1);
    }
    expect(
      problemsOf({ zones: ['_dmarc.home.example.com', 'xn--bcher-kva.example', '3.90.10.in-addr.arpa'] }),
    ).toEqual([]);
  });

  it('lists every problem at once, each with its key', () => {
    expect(
      problemsOf({
        zones: [],
        'nameserver.addresses': ['ns.example.com'],
        gateways: [{ ref: 'internal', addresses: ['10.0.0.300'] }],
        'forward.upstreams': ['dns.google'],
        'zoneMiss.upstreams': ['127.0.0.2', '127.0.0.1:99999'],
        zoneForwarders: ['127.0.0.2'],
        'acl.allow': ['10.0.0.0/33'],
        views: [{ name: 'v', cidrs: ['nope'], addresses: { 'network/internal': ['x'] } }],
      }),
    ).toEqual([
      'zones: at least one zone is needed (e.g. HORIZON_ZONES=home.example.com)',
      'nameserver.addresses: "ns.example.com" is not an IP address',
      'gateways[0].ref: "internal" must be namespace/name (e.g. network/internal)',
      'gateways[0].addresses: "10.0.0.300" is not an IP address',
      'zoneMiss.upstreams[1]: invalid upstream "127.0.0.1:99999": need an IP address and an optional port',
      'zoneMiss.upstreams[0]: 127.0.0.2 is a zone forwarder (zoneForwarders[0]). It sends our zones to Horizon, so zone misses sent to it would loop; use a public resolver.',
      'forward.upstreams[0]: invalid upstream "dns.google": need an IP address and an optional port',
      'acl.allow: "10.0.0.0/33" is not an address or CIDR',
      'views[0].addresses.network/internal: "x" is not an IP address',
      'views[0].cidrs: "nope" is not an address or CIDR',
    ]);
  });

  it('needs a zone-miss resolver in mode forward', () => {
    expect(problemsOf({ 'zoneMiss.mode': 'forward' })).toEqual([
      'zoneMiss.upstreams: mode "forward" needs at least one resolver (or set zoneMiss.mode to "nxdomain")',
    ]);
  });
});

describe('parseHostPort', () => {
  it.each(['', 'host', '1.2.3.4:0', '1.2.3.4:65536', '1.2.3.4:x', '[::1', '[::1]:', 'fe80::1:53:x'])(
    '%s is not an upstream',
    (text) => {
      expect(parseHostPort(text)).toBeUndefined();
    },
  );
});

describe('at start', () => {
  /** Runs the service with `env`; its exit code and what it wrote to stderr. */
  async function start(env: Record<string, string>) {
    const main = join(import.meta.dirname, '..', 'src', 'main.ts');
    const child = spawn(process.execPath, [main], {
      env: { PATH: process.env.PATH ?? '', HORIZON_ZONE_MISS_MODE: 'nxdomain', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise((resolve) => child.once('exit', resolve));
    return { code, stderr };
  }

  it('a zone that is not a DNS name stops the service: exit 2, one line naming the key', async () => {
    expect(await start({ HORIZON_ZONES: 'bad domain!' })).toEqual({
      code: 2,
      stderr:
        'horizon-dns: invalid config: zones[0]: "bad domain!" is not a DNS name (labels of letters, digits, - and _, 63 characters at most)\n',
    });
  });

  it('a forwarding rule for our own zone stops the service, naming the rule', async () => {
    expect(
      await start({
        HORIZON_ZONES: 'home.example.com',
        HORIZON_FORWARD_RULES: JSON.stringify([{ domains: ['home.example.com'], upstreams: ['127.0.1.1'] }]),
      }),
    ).toEqual({
      code: 2,
      stderr:
        'horizon-dns: invalid config: forward.rules[0].domains[0]: home.example.com is one of our zones: we answer it, and forward its misses to zoneMiss.upstreams\n',
    });
  });
});

describe('forwarding settings', () => {
  it('parses rules and forward.tls', () => {
    const s = settingsOf({
      'forward.upstreams': ['tls://127.0.0.1:8853#dot.test'],
      'forward.rules': [{ domains: ['internal', '10.90.0.0/16'], upstreams: ['127.0.1.1'] }],
    });
    expect(s.forward.upstreams).toEqual([{ host: '127.0.0.1', port: 8853, tls: { name: 'dot.test' } }]);
    expect(s.forward.rules.map((r) => r.domains)).toEqual([['internal', '90.10.in-addr.arpa']]);
    expect(s.forward.tls).toEqual({ ca: undefined, connections: 2, pipeline: 100, idleTimeoutMs: 10_000 });
  });

  it('refuses a CA file that cannot be read or holds no certificate', () => {
    expect(problemsOf({ 'forward.tls.caFile': '/nonexistent/ca.pem' })).toEqual([
      'forward.tls.caFile: cannot read /nonexistent/ca.pem (ENOENT)',
    ]);
    expect(problemsOf({ 'forward.tls.caFile': join(import.meta.dirname, 'settings.test.ts') })).toEqual([
      expect.stringMatching(
        /^forward\.tls\.caFile: .* is not a PEM file of CA certificates \(no certificate in it\)$/,
      ),
    ]);
  });
});
