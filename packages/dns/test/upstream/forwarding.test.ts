import { describe, expect, it } from 'vitest';
import { parseUpstream } from '../../src/upstream/address.ts';
import { type ForwardingConfig, parseForwarding } from '../../src/upstream/forwarding.ts';

const ZONES = ['home.example.com', '3.90.10.in-addr.arpa'];
const TLS = { caFile: '', connections: 2, pipeline: 100, idleTimeoutMs: 10_000 };

/** parseForwarding over a config with `rules` (and the rest overridable); its problems and result. */
function forwarding(
  rules: ForwardingConfig['forward']['rules'],
  more: { zoneMiss?: ForwardingConfig['zoneMiss']; zoneForwarders?: string[]; upstreams?: string[] } = {},
) {
  const problems: string[] = [];
  const result = parseForwarding(
    {
      forward: { upstreams: more.upstreams ?? ['127.0.0.1:5301'], rules, tls: TLS },
      zoneMiss: more.zoneMiss ?? { mode: 'forward', upstreams: ['127.0.0.1:5302'] },
      zoneForwarders: more.zoneForwarders ?? ['127.0.1.1'],
    },
    ZONES,
    (m) => problems.push(m),
  );
  return { problems, result };
}

describe('parseUpstream (the upstream syntax)', () => {
  it.each([
    ['1.1.1.1', { host: '1.1.1.1', port: 53 }],
    ['127.0.0.1:5353', { host: '127.0.0.1', port: 5353 }],
    ['[::1]:5353', { host: '::1', port: 5353 }],
    ['::1', { host: '::1', port: 53 }],
    ['dns://9.9.9.9', { host: '9.9.9.9', port: 53 }],
    ['tls://1.1.1.1#cloudflare-dns.com', { host: '1.1.1.1', port: 853, tls: { name: 'cloudflare-dns.com' } }],
    [
      'TLS://1.1.1.1#Cloudflare-DNS.com.',
      { host: '1.1.1.1', port: 853, tls: { name: 'cloudflare-dns.com' } },
    ],
    ['tls://127.0.0.1:8853#dot.test', { host: '127.0.0.1', port: 8853, tls: { name: 'dot.test' } }],
    ['tls://[2606:4700::1111]:853#one.one', { host: '2606:4700::1111', port: 853, tls: { name: 'one.one' } }],
    ['tls://9.9.9.9', { host: '9.9.9.9', port: 853, tls: { name: undefined } }], // the address must be in the certificate
  ])('%s', (text, parsed) => {
    expect(parseUpstream(text)).toEqual(parsed);
  });

  it.each([
    ['https://1.1.1.1/dns-query', '"https://" is not a transport'],
    ['dns.google', 'need an IP address'],
    ['tls://dns.google#dns.google', 'need an IP address'],
    ['1.1.1.1#cloudflare-dns.com', 'for DNS over TLS only'],
    ['tls://1.1.1.1#', 'is not a host name'],
    ['tls://1.1.1.1#a#b', 'is not a host name'],
    ['tls://1.1.1.1#1.1.1.1', 'is not a host name'],
    ['tls://1.1.1.1:0#x.test', 'need an IP address'],
  ])('refuses %s', (text, why) => {
    expect(parseUpstream(text)).toEqual(expect.stringContaining(why));
  });
});

describe('parseForwarding (conditional forwarding rules, checked at start)', () => {
  it("parses the design's rules: internal names and the LAN's reverse zones to the UDM, the rest to the default upstreams", () => {
    const { problems, result } = forwarding([
      {
        domains: ['internal', '10.90.0.0/16', 'Lab.Internal.'],
        upstreams: ['127.0.1.1', 'tls://127.0.0.1:8853#dot.test'],
      },
    ]);
    expect(problems).toEqual([]);
    expect(result.rules).toEqual([
      {
        key: 'forward.rules[0]',
        domains: ['internal', '90.10.in-addr.arpa', 'lab.internal'],
        upstreams: [
          { host: '127.0.1.1', port: 53 },
          { host: '127.0.0.1', port: 8853, tls: { name: 'dot.test' } },
        ],
        inOurZones: false,
      },
    ]);
    expect(result.upstreams).toEqual([{ host: '127.0.0.1', port: 5301 }]);
  });

  it('a rule may take a subdomain of our zones (its misses): it is marked, and never a zone forwarder', () => {
    const ok = forwarding([{ domains: ['legacy.home.example.com'], upstreams: ['127.0.0.9'] }]);
    expect(ok.problems).toEqual([]);
    expect(ok.result.rules[0]?.inOurZones).toBe(true);
    // A rule for the parent of our zone goes to the forwarder freely: our names never leave through it.
    expect(forwarding([{ domains: ['example.com'], upstreams: ['127.0.1.1'] }]).problems).toEqual([]);
  });

  it.each([
    [
      'our zone itself',
      [{ domains: ['home.example.com'], upstreams: ['127.0.0.9'] }],
      {},
      'forward.rules[0].domains[0]: home.example.com is one of our zones: we answer it, and forward its misses to zoneMiss.upstreams',
    ],
    [
      'our reverse zone itself',
      [{ domains: ['10.90.3.0/24'], upstreams: ['127.0.0.9'] }],
      {},
      'forward.rules[0].domains[0]: 3.90.10.in-addr.arpa is one of our zones: we answer it, and forward its misses to zoneMiss.upstreams',
    ],
    [
      'names of our zones to the router that forwards them to us',
      [{ domains: ['legacy.home.example.com'], upstreams: ['127.0.0.9', '127.0.1.1:53'] }],
      {},
      'forward.rules[0].upstreams[1]: 127.0.1.1:53 is a zone forwarder (zoneForwarders[0]). It sends our zones to Horizon, so the zone misses this rule takes sent to it would loop; use a public resolver.',
    ],
    [
      'the forwarder over DNS over TLS too',
      [{ domains: ['legacy.home.example.com'], upstreams: ['tls://127.0.1.1#udm.test'] }],
      {},
      'forward.rules[0].upstreams[0]: tls://127.0.1.1#udm.test is a zone forwarder (zoneForwarders[0]). It sends our zones to Horizon, so the zone misses this rule takes sent to it would loop; use a public resolver.',
    ],
    [
      'a rule inside our zones when misses are not forwarded',
      [{ domains: ['legacy.home.example.com'], upstreams: ['127.0.0.9'] }],
      { zoneMiss: { mode: 'nxdomain' as const, upstreams: [] } },
      'forward.rules[0].domains[0]: legacy.home.example.com is inside our zone home.example.com, whose misses are answered (zoneMiss.mode "nxdomain"), never forwarded: the rule would never be used',
    ],
    [
      'a domain in two rules',
      [
        { domains: ['internal'], upstreams: ['127.0.1.1'] },
        { domains: ['Internal.'], upstreams: ['127.0.0.9'] },
      ],
      {},
      'forward.rules[1].domains[0]: internal is already forwarded by forward.rules[0].domains[0]: one rule a domain',
    ],
    [
      'a rule with no resolver',
      [{ domains: ['internal'], upstreams: [] }],
      {},
      'forward.rules[0].upstreams: a rule needs at least one resolver',
    ],
    [
      'a domain that is an address',
      [{ domains: ['10.90.0.1'], upstreams: ['127.0.1.1'] }],
      {},
      'forward.rules[0].domains[0]: "10.90.0.1" is not a domain (a DNS name such as "internal", or a CIDR such as "10.90.0.0/16" for its reverse zones; everything else is forward.upstreams)',
    ],
    [
      'the root as a rule',
      [{ domains: ['.'], upstreams: ['127.0.1.1'] }],
      {},
      'forward.rules[0].domains[0]: "." is not a domain (a DNS name such as "internal", or a CIDR such as "10.90.0.0/16" for its reverse zones; everything else is forward.upstreams)',
    ],
    [
      'a CIDR with host bits',
      [{ domains: ['10.90.3.1/16'], upstreams: ['127.0.1.1'] }],
      {},
      'forward.rules[0].domains[0]: "10.90.3.1/16" has bits set past its /16: write the network\'s own address',
    ],
    [
      'an upstream that is not an address',
      [{ domains: ['internal'], upstreams: ['udm.local'] }],
      {},
      'forward.rules[0].upstreams[0]: invalid upstream "udm.local": need an IP address and an optional port',
    ],
  ])('refuses %s, naming the key', (_, rules, more, problem) => {
    expect(forwarding(rules, more).problems).toEqual([problem]);
  });

  it('still refuses zone misses sent to a zone forwarder, also over DNS over TLS', () => {
    const { problems } = forwarding([], {
      zoneMiss: { mode: 'forward', upstreams: ['tls://127.0.1.1:853#udm.test'] },
    });
    expect(problems).toEqual([
      'zoneMiss.upstreams[0]: tls://127.0.1.1:853#udm.test is a zone forwarder (zoneForwarders[0]). It sends our zones to Horizon, so zone misses sent to it would loop; use a public resolver.',
    ]);
  });
});
