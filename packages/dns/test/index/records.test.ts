import { type GatewayApiSnapshot, snapshotOf } from '@horizon/shared';
import { describe, expect, it } from 'vitest';
import { buildIndex } from '../../src/index/build.ts';
import { LIMITS } from '../../src/index/limits.ts';
import { CLAIM_BUDGET } from '../../src/index/routes.ts';
import type { IndexConfig } from '../../src/index/types.ts';
import { TYPE } from '../../src/wire/constants.ts';
import { testConfig } from '../basics.ts';
import { ask, dnsEndpoint, gw, https, indexConfig, route, service } from './fixtures.ts';

// DNSEndpoints, static records, CNAME chains and the precedence between sources.
const internal = gw('internal', [https('*.home.example.com')], ['10.90.3.202']);
const build = (parts: Partial<Omit<GatewayApiSnapshot, 'generation'>>, over: Partial<IndexConfig> = {}) =>
  buildIndex(snapshotOf(1, { gateways: [internal], ...parts }), indexConfig(over));
const ep = (dnsName: string, recordType: string, targets: string[], recordTTL?: number) => ({
  dnsName,
  recordType,
  targets,
  ...(recordTTL ? { recordTTL } : {}),
});
/** Static records as the config gives them, parsed as at boot. */
const statics = (records: unknown[]) => testConfig({ records }).records;

describe('DNSEndpoint', () => {
  it.each<[string, ReturnType<typeof ep>, number, string[]]>([
    [
      'A with its TTL',
      ep('nas.home.example.com', 'A', ['10.90.3.50', '10.90.3.51'], 600),
      TYPE.A,
      ['nas.home.example.com 600 A 10.90.3.50', 'nas.home.example.com 600 A 10.90.3.51'],
    ],
    [
      'AAAA',
      ep('nas.home.example.com', 'AAAA', ['fd00::50']),
      TYPE.AAAA,
      ['nas.home.example.com 30 AAAA fd00::50'],
    ],
    [
      'TXT',
      ep('nas.home.example.com', 'TXT', ['"v=spf1 -all"']),
      TYPE.TXT,
      ['nas.home.example.com 30 TXT ["v=spf1 -all"]'],
    ],
    [
      'MX',
      ep('nas.home.example.com', 'MX', ['10 mail.example.net']),
      TYPE.MX,
      ['nas.home.example.com 30 MX 10 mail.example.net'],
    ],
    [
      'SRV',
      ep('_sip._tcp.home.example.com', 'SRV', ['10 5 5060 sip.home.example.com']),
      TYPE.SRV,
      ['_sip._tcp.home.example.com 30 SRV 10 5 5060 sip.home.example.com'],
    ],
    [
      'CNAME out of our zones: the CNAME alone',
      ep('nas.home.example.com', 'CNAME', ['nas.example.net']),
      TYPE.A,
      ['nas.home.example.com 30 CNAME nas.example.net'],
    ],
  ])('%s', (_, endpoint, type, expected) => {
    const index = build({ dnsEndpoints: [dnsEndpoint('e', [endpoint])] });
    expect(ask(index, endpoint.dnsName, type)).toMatchObject({ rcode: 0, aa: 1, answers: expected });
  });

  it('chases a CNAME into our zones in the same answer, with each view its address', () => {
    const index = build({
      httpRoutes: [route('pdf', ['pdf.home.example.com'])],
      dnsEndpoints: [
        dnsEndpoint('e', [
          ep('docs.home.example.com', 'CNAME', ['link.home.example.com']),
          ep('link.home.example.com', 'CNAME', ['pdf.home.example.com']),
        ]),
      ],
    });
    const chain = [
      'docs.home.example.com 30 CNAME link.home.example.com',
      'link.home.example.com 30 CNAME pdf.home.example.com',
    ];
    expect(ask(index, 'docs.home.example.com', TYPE.A)).toMatchObject({
      answers: [...chain, 'pdf.home.example.com 30 A 10.90.3.202'],
    });
    expect(ask(index, 'docs.home.example.com', TYPE.A, 1)).toMatchObject({
      answers: [...chain, 'pdf.home.example.com 30 A 100.100.3.202'],
    });
    // A type the target lacks: the chain, then NODATA with the zone's SOA.
    expect(ask(index, 'docs.home.example.com', TYPE.TXT)).toMatchObject({
      rcode: 0,
      answers: chain,
      authority: 1,
    });
    expect(ask(index, 'docs.home.example.com', TYPE.CNAME)).toMatchObject({ answers: [chain[0]] });
  });

  it('ends a CNAME loop, and a chain past the limit, where it repeats or runs out, and says so', () => {
    const loop = build({
      dnsEndpoints: [
        dnsEndpoint('e', [
          ep('a.home.example.com', 'CNAME', ['b.home.example.com']),
          ep('b.home.example.com', 'CNAME', ['a.home.example.com']),
        ]),
      ],
    });
    expect(ask(loop, 'a.home.example.com', TYPE.A)).toMatchObject({
      answers: [
        'a.home.example.com 30 CNAME b.home.example.com',
        'b.home.example.com 30 CNAME a.home.example.com',
      ],
    });
    expect(loop.problems.some((p) => p.problem.includes('a CNAME loop'))).toBe(true);
    const long = Array.from({ length: 20 }, (_, i) =>
      ep(`c${i}.home.example.com`, 'CNAME', [`c${i + 1}.home.example.com`]),
    );
    const chain = build({ dnsEndpoints: [dnsEndpoint('e', long)] });
    const r = ask(chain, 'c0.home.example.com', TYPE.A);
    expect(typeof r !== 'string' && r.answers.length).toBe(LIMITS.cnameChain);
    expect(chain.problems.some((p) => p.problem.includes(`more than ${LIMITS.cnameChain} CNAMEs`))).toBe(
      true,
    );
  });

  it('serves what it can of an object, and says what it could not', () => {
    const index = build({
      dnsEndpoints: [
        dnsEndpoint('e', [
          ep('x.home.example.com', 'NS', ['ns1.example.net']),
          ep('y.home.example.com', 'A', ['not-an-ip', '10.90.3.60']),
          ep('z.home.example.com', 'CNAME', ['a.example.net']),
          ep('z.home.example.com', 'A', ['10.90.3.61']),
          ep('w.home.example.com', 'CNAME', ['a.example.net', 'b.example.net']),
          ep('bad name!', 'A', ['10.90.3.62']),
          ep('far.example.org', 'A', ['10.90.3.63']),
        ]),
      ],
    });
    expect(ask(index, 'y.home.example.com', TYPE.A)).toMatchObject({
      answers: ['y.home.example.com 30 A 10.90.3.60'],
    });
    expect(ask(index, 'z.home.example.com', TYPE.A)).toMatchObject({
      answers: ['z.home.example.com 30 A 10.90.3.61'],
    });
    expect(ask(index, 'x.home.example.com', TYPE.NS)).toBe('miss');
    expect(ask(index, 'w.home.example.com', TYPE.A)).toBe('miss');
    expect(index.outside).toEqual(['far.example.org']);
    expect(index.problems).toHaveLength(5);
  });

  it('bounds an object: endpoints, records per RRset, bytes per RRset', () => {
    const many = Array.from({ length: LIMITS.endpointsPerObject + 50 }, (_, i) =>
      ep(`n${i}.home.example.com`, 'A', ['10.90.3.70']),
    );
    const targets = Array.from({ length: 200 }, (_, i) => `10.90.${i >> 8}.${i & 255}`);
    const giant = Array.from({ length: 40 }, (_, i) => `${i}`.padEnd(1000, 'x'));
    const index = build({
      dnsEndpoints: [
        dnsEndpoint('many', many),
        dnsEndpoint('wide', [
          ep('wide.home.example.com', 'A', targets),
          ep('txt.home.example.com', 'TXT', giant),
        ]),
      ],
    });
    expect([...index.exact.keys()].filter((n) => /^n\d+\./.test(n)).length).toBe(LIMITS.endpointsPerObject);
    expect(index.exact.get('wide.home.example.com')?.served.addresses.default).toHaveLength(
      LIMITS.recordsPerSet,
    );
    const txt = ask(index, 'txt.home.example.com', TYPE.TXT);
    expect(typeof txt !== 'string' && txt.answers.length).toBe(
      Math.floor(LIMITS.bytesPerSet / (1000 + 4 + 12)),
    );
  });

  it('opts out by annotation, as the other objects', () => {
    const e = dnsEndpoint('e', [ep('nas.home.example.com', 'A', ['10.90.3.50'])], {
      'external-dns.alpha.kubernetes.io/controller': 'cloudflare',
    });
    expect(ask(build({ dnsEndpoints: [e] }), 'nas.home.example.com', TYPE.A)).toBe('miss');
  });
});

describe('static records', () => {
  const records = statics([
    { name: 'stanton-01.internal', values: ['10.90.3.101'] },
    { name: 'stanton-01.internal', type: 'AAAA', values: ['fd00::101'] },
    { name: 'printer.home.example.com', values: ['10.90.3.90'], ttl: 3600 },
    { name: 'txt.home.example.com', type: 'TXT', values: ['hello'] },
    { name: 'quiet.lan', values: ['192.168.1.9'], ptr: false },
  ]);
  const index = build({}, { statics: records });
  it.each<[string, number, unknown]>([
    ['stanton-01.internal', TYPE.A, { aa: 1, answers: ['stanton-01.internal 30 A 10.90.3.101'] }],
    ['stanton-01.internal', TYPE.AAAA, { answers: ['stanton-01.internal 30 AAAA fd00::101'] }],
    ['stanton-01.internal', TYPE.MX, { rcode: 0, answers: [], authority: 0 }], // outside the zones: NODATA without an SOA, as a hosts file
    ['other.internal', TYPE.A, 'outside'], // the rest of .internal is not ours
    ['printer.home.example.com', TYPE.A, { answers: ['printer.home.example.com 3600 A 10.90.3.90'] }],
    ['txt.home.example.com', TYPE.TXT, { answers: ['txt.home.example.com 30 TXT ["hello"]'] }],
    [
      '101.3.90.10.in-addr.arpa',
      TYPE.PTR,
      { answers: ['101.3.90.10.in-addr.arpa 30 PTR stanton-01.internal'] },
    ],
    [
      '1.0.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa',
      TYPE.PTR,
      { answers: [expect.stringContaining('PTR stanton-01.internal')] },
    ],
    [
      '90.3.90.10.in-addr.arpa',
      TYPE.PTR,
      { answers: ['90.3.90.10.in-addr.arpa 3600 PTR printer.home.example.com'] },
    ],
    ['9.1.168.192.in-addr.arpa', TYPE.PTR, 'outside'], // ptr: false, and not in a reverse zone
  ])('%s %s', (name, type, expected) => {
    const r = ask(index, name, type);
    if (typeof expected === 'string') expect(r).toBe(expected);
    else expect(r).toMatchObject(expected as object);
  });
  it('refuses a bad record at start, naming it', () => {
    expect(() =>
      statics([{ name: 'x.internal', type: 'CNAME', values: ['a.example', 'b.example'] }]),
    ).toThrow(/records\[0\]\.values: a CNAME has one value/);
    expect(() => statics([{ name: '*.internal', values: ['10.0.0.1'] }])).toThrow(
      /wildcard must be inside one of the zones/,
    );
    expect(() => statics([{ name: 'x.internal', values: ['10.0.0.256'] }])).toThrow(
      /records\[0\]\.values\[0\]: A "10.0.0.256": not an IPv4 address/,
    );
  });
});

describe('one owner per name: route > Gateway > Service > DNSEndpoint > static', () => {
  const name = 'app.home.example.com';
  const svc = service(
    'app',
    { 'external-dns.alpha.kubernetes.io/hostname': name },
    { ingress: [{ ip: '10.90.3.220' }] },
  );
  const endpoint = dnsEndpoint('app', [
    ep(name, 'A', ['10.90.3.221']),
    ep(name, 'TXT', ['from the endpoint']),
  ]);
  const stat = statics([{ name, values: ['10.90.3.222'] }]);
  it.each<[string, Partial<Omit<GatewayApiSnapshot, 'generation'>>, string, string[]]>([
    [
      'a route wins over all',
      { httpRoutes: [route('app', [name])], services: [svc], dnsEndpoints: [endpoint] },
      '10.90.3.202',
      ['Service home/app', 'DNSEndpoint home/app', 'records[0]'],
    ],
    [
      'a Service over a DNSEndpoint and a static record',
      { services: [svc], dnsEndpoints: [endpoint] },
      '10.90.3.220',
      ['DNSEndpoint home/app', 'records[0]'],
    ],
    ['a DNSEndpoint over a static record', { dnsEndpoints: [endpoint] }, '10.90.3.221', ['records[0]']],
    ['a static record alone', {}, '10.90.3.222', []],
  ])('%s', (_, parts, address, losers) => {
    const index = build(parts, { statics: stat });
    expect(ask(index, name, TYPE.A)).toMatchObject({ answers: [`${name} 30 A ${address}`] });
    expect(index.conflicts.map((c) => c.owner)).toEqual(losers);
    for (const c of index.conflicts)
      expect(c.reason).toMatch(/serves it \(route > gateway > nameserver > service > dnsendpoint > static/);
  });
  it('no Service or DNSEndpoint takes the name resolvers reach us by (nameserver.addresses)', () => {
    const index = build({ dnsEndpoints: [dnsEndpoint('ns', [ep('ns.home.example.com', 'A', ['6.6.6.6'])])] });
    expect(ask(index, 'ns.home.example.com', TYPE.A)).toMatchObject({
      answers: ['ns.home.example.com 30 A 10.90.3.200'],
    });
    expect(index.conflicts.map((c) => [c.owner, c.winner.owner])).toEqual([
      ['DNSEndpoint home/ns', 'nameserver.addresses'],
    ]);
  });
  it('a name is one owner whole: the loser adds no types of its own', () => {
    const index = build({ services: [svc], dnsEndpoints: [endpoint] });
    expect(ask(index, name, TYPE.TXT)).toMatchObject({ answers: [], authority: 1 });
  });
  it('an exact name beats a wildcard whoever holds it, and a wildcard serves the rest', () => {
    const wild = dnsEndpoint('wild', [ep('*.home.example.com', 'A', ['10.90.3.230'])]);
    const index = build({ httpRoutes: [route('app', [name])], dnsEndpoints: [wild] });
    expect(ask(index, name, TYPE.A)).toMatchObject({ answers: [`${name} 30 A 10.90.3.202`] });
    expect(ask(index, 'other.home.example.com', TYPE.A)).toMatchObject({
      answers: ['other.home.example.com 30 A 10.90.3.230'],
    });
    expect(index.conflicts).toEqual([]);
  });
  it('routes through one Gateway: the first in namespace/name order owns the name, the others are listed', () => {
    const index = build({ httpRoutes: [route('b', [name]), route('a', [name], undefined, true, 'other')] });
    expect(index.exact.get(name)?.served.routes).toEqual(['HTTPRoute home/b', 'HTTPRoute other/a']);
  });
});

describe('the index bound', () => {
  it('stops reading Services and DNSEndpoints once twice the bound of names is claimed, and says how many it left', () => {
    const objects = Array.from({ length: Math.ceil(CLAIM_BUDGET / LIMITS.endpointsPerObject) + 5 }, (_, o) =>
      dnsEndpoint(
        `flood${o}`,
        Array.from({ length: LIMITS.endpointsPerObject }, (_, i) =>
          ep(`f${o}-${i}.home.example.com`, 'A', ['10.90.4.1']),
        ),
      ),
    );
    const index = build({ httpRoutes: [route('pdf', ['pdf.home.example.com'])], dnsEndpoints: objects });
    const read = Math.ceil((CLAIM_BUDGET - 1) / LIMITS.endpointsPerObject); // after the route's one claim
    expect(index.problems.map((p) => p.problem)).toContain(
      `${objects.length - read} Services and DNSEndpoints not read: ${CLAIM_BUDGET} names claimed before them`,
    );
    expect(ask(index, 'pdf.home.example.com', TYPE.A)).toMatchObject({
      answers: ['pdf.home.example.com 30 A 10.90.3.202'],
    });
  });
  it('lists the names outside the zones up to the report bound, and says how many there were', () => {
    const far = Array.from({ length: LIMITS.reportsKept + 5 }, (_, i) =>
      ep(`n${i}.example.org`, 'A', ['10.90.3.1']),
    );
    const index = build({
      dnsEndpoints: [
        dnsEndpoint('a', far.slice(0, 256)),
        ...Array.from({ length: 4 }, (_, o) => dnsEndpoint(`b${o}`, far.slice(256 + o * 256, 512 + o * 256))),
      ],
    });
    expect(index.outside).toHaveLength(LIMITS.reportsKept);
    expect(index.problems.map((p) => p.problem)).toContain(
      `${LIMITS.reportsKept + 5} names outside the zones, the first ${LIMITS.reportsKept} listed`,
    );
  });
  it(`serves ${LIMITS.names} names of the cluster's at most, routes first, the config's always, and says how many are not`, () => {
    const objects = Array.from({ length: Math.ceil(LIMITS.names / LIMITS.endpointsPerObject) + 1 }, (_, o) =>
      dnsEndpoint(
        `flood${o}`,
        Array.from({ length: LIMITS.endpointsPerObject }, (_, i) =>
          ep(`f${o}-${i}.home.example.com`, 'A', ['10.90.4.1']),
        ),
      ),
    );
    const statics = testConfig({
      records: [{ name: 'stanton-01.internal', values: ['10.90.3.101'] }],
    }).records;
    const index = build(
      { httpRoutes: [route('pdf', ['pdf.home.example.com'])], dnsEndpoints: objects },
      { statics },
    );
    // The cluster's names up to the bound, and the config's own (the nameserver, a static record) beside them.
    expect(index.exact.size + index.wildcards.size).toBe(LIMITS.names + 4); // and their PTRs
    expect(ask(index, '101.3.90.10.in-addr.arpa', TYPE.PTR)).toMatchObject({
      answers: [expect.stringContaining('PTR stanton-01.internal')],
    });
    expect(ask(index, 'pdf.home.example.com', TYPE.A)).toMatchObject({
      answers: ['pdf.home.example.com 30 A 10.90.3.202'],
    });
    expect(ask(index, 'stanton-01.internal', TYPE.A)).toMatchObject({
      answers: ['stanton-01.internal 30 A 10.90.3.101'],
    });
    expect(ask(index, 'ns.home.example.com', TYPE.A)).toMatchObject({
      answers: ['ns.home.example.com 30 A 10.90.3.200'],
    });
    // + the route and the Gateway's PTR (made last: the index is full)
    const offered = objects.length * LIMITS.endpointsPerObject + 2;
    expect(index.problems[0]).toEqual({
      owner: '(index)',
      problem: `${offered - LIMITS.names} names past the index's bound of ${LIMITS.names} not served`,
    });
  });
});
