import { type Gateway, type GatewayApiSnapshot, type HTTPRoute, snapshotOf } from '@horizon/shared';
import { Packet } from 'dns2';
import { describe, expect, it } from 'vitest';
import { attachments } from '../src/index/attachments.ts';
import { buildIndex, type IndexConfig } from '../src/index/build.ts';
import { hostnamesFor, intersect } from '../src/index/hostnames.ts';
import { isMiss, lookup } from '../src/index/lookup.ts';
import { TYPE } from '../src/wire/constants.ts';
import { parseQuery } from '../src/wire/query.ts';
import { answerMessage } from '../src/wire/response.ts';

const gw = (
  name: string,
  listeners: Gateway['spec']['listeners'],
  status?: string[],
  ns = 'network',
): Gateway => ({
  metadata: { name, namespace: ns },
  spec: {
    gatewayClassName: 'envoy',
    listeners,
    addresses: [{ value: `10.90.3.${name === 'internal' ? 202 : 201}` }],
  },
  ...(status ? { status: { addresses: status.map((value) => ({ type: 'IPAddress', value })) } } : {}),
});
const https = (hostname?: string, extra: Partial<Gateway['spec']['listeners'][number]> = {}) => ({
  name: 'https',
  port: 443,
  protocol: 'HTTPS',
  allowedRoutes: { namespaces: { from: 'All' as const } },
  ...(hostname ? { hostname } : {}),
  ...extra,
});
const route = (
  name: string,
  hostnames: string[],
  parent: Record<string, unknown> = { name: 'internal', namespace: 'network' },
  accepted = true,
  ns = 'home',
): HTTPRoute => ({
  metadata: { name, namespace: ns },
  spec: { parentRefs: [parent as never], hostnames },
  status: {
    parents: [
      {
        parentRef: parent as never,
        controllerName: 'gateway.envoyproxy.io/gatewayclass-controller',
        conditions: [{ type: 'Accepted', status: accepted ? 'True' : 'False' }],
      },
    ],
  },
});

describe('Gateway API hostname rules', () => {
  it.each([
    ['a.example.com', 'a.example.com', 'a.example.com'],
    ['a.example.com', 'b.example.com', null],
    ['a.example.com', '*.example.com', 'a.example.com'],
    ['a.b.example.com', '*.example.com', 'a.b.example.com'],
    ['example.com', '*.example.com', null],
    ['*.example.com', 'a.example.com', 'a.example.com'],
    ['*.example.com', '*.example.com', '*.example.com'],
    ['*.apps.example.com', '*.example.com', '*.apps.example.com'],
    ['*.example.com', '*.apps.example.com', '*.apps.example.com'],
    ['*.example.com', '*.example.org', null],
  ])('route %s on listener %s -> %s', (r, l, out) => {
    expect(intersect(r, l)).toBe(out);
  });
  it('inherits the listener hostname when the route has none, and normalises case and final dots', () => {
    expect(hostnamesFor([], '*.Example.com.')).toEqual(['*.example.com']);
    expect(hostnamesFor(['PDF.example.com.'], undefined)).toEqual(['pdf.example.com']);
    expect(hostnamesFor([], undefined)).toEqual([]);
  });
});

describe('attachments', () => {
  const opts = { gateways: ['network/internal'], ignoreStatus: false };
  it('needs the selected Gateway, Accepted=True for it, and defaults parentRef namespace to the route', () => {
    const g = [gw('internal', [https()]), gw('external', [https()])];
    const routes = [
      route('ok', ['ok.example.com']),
      route('rejected', ['no.example.com'], undefined, false),
      route('external', ['ext.example.com'], { name: 'external', namespace: 'network' }),
      route('same-ns', ['ns.example.com'], { name: 'internal' }, true, 'network'),
      route('wrong-ns', ['wrong.example.com'], { name: 'internal' }, true, 'home'),
    ];
    expect(
      attachments(g, routes, opts)
        .map((a) => a.hostname)
        .sort(),
    ).toEqual(['ns.example.com', 'ok.example.com']);
    expect(attachments(g, [{ ...route('nostatus', ['s.example.com']), status: {} }], opts)).toEqual([]);
    expect(
      attachments(g, [{ ...route('nostatus', ['s.example.com']), status: {} }], {
        ...opts,
        ignoreStatus: true,
      }),
    ).toHaveLength(1);
  });
  it('picks listeners by sectionName and port, intersects hostnames, and honours allowedRoutes', () => {
    const g = [
      gw('internal', [
        https('*.a.example.com'),
        { ...https('*.b.example.com'), name: 'other', port: 8443 },
        { name: 'tcp', port: 22, protocol: 'TCP', hostname: '*.a.example.com' },
        {
          ...https('*.same.example.com'),
          name: 'same',
          port: 9443,
          allowedRoutes: { namespaces: { from: 'Same' } },
        },
        {
          ...https('*.kinds.example.com'),
          name: 'kinds',
          port: 9444,
          allowedRoutes: { namespaces: { from: 'All' }, kinds: [{ kind: 'GRPCRoute' }] },
        },
      ]),
    ];
    const names = (r: HTTPRoute) =>
      attachments(g, [r], { ...opts, ignoreStatus: true })
        .map((a) => a.hostname)
        .sort();
    expect(
      names(route('r', ['x.a.example.com', 'x.b.example.com', 'x.same.example.com', 'x.kinds.example.com'])),
    ).toEqual(['x.a.example.com', 'x.b.example.com']);
    expect(
      names(
        route('r', ['x.a.example.com', 'x.b.example.com'], {
          name: 'internal',
          namespace: 'network',
          sectionName: 'other',
        }),
      ),
    ).toEqual(['x.b.example.com']);
    expect(
      names(
        route('r', ['x.a.example.com', 'x.b.example.com'], {
          name: 'internal',
          namespace: 'network',
          port: 443,
        }),
      ),
    ).toEqual(['x.a.example.com']);
    expect(names(route('r', [], { name: 'internal', namespace: 'network', sectionName: 'https' }))).toEqual([
      '*.a.example.com',
    ]);
    expect(names(route('r', ['x.same.example.com'], { name: 'internal' }, true, 'network'))).toEqual([
      'x.same.example.com',
    ]);
  });
  it('puts a Gateway and a route that name no namespace in the same one, as the parentRef does', () => {
    const g = gw('internal', [{ ...https(), allowedRoutes: { namespaces: { from: 'Same' as const } } }]);
    delete g.metadata.namespace;
    const r = route('plain', ['plain.example.com'], { name: 'internal' });
    delete r.metadata.namespace;
    const found = attachments([g], [r], { gateways: ['default/internal'], ignoreStatus: true });
    expect(found).toEqual([
      { hostname: 'plain.example.com', gateway: 'default/internal', route: 'default/plain' },
    ]);
  });
});

const config: IndexConfig = {
  zones: [
    { name: 'home.example.com', nameserver: 'ns.home.example.com', nameserverAddresses: ['10.90.3.200'] },
  ],
  reverseZones: ['3.90.10.in-addr.arpa'],
  gateways: [{ ref: 'network/internal', addresses: [] }],
  views: [{ name: 'tailnet', addresses: { 'network/internal': ['100.100.3.202'] } }],
  ttl: 30,
  negativeTtl: 30,
  ignoreStatus: false,
  useSpecAddresses: false,
};
const snapshot = (routes: HTTPRoute[], status = ['10.90.3.202', 'fd00::202']): GatewayApiSnapshot =>
  snapshotOf(7, { gateways: [gw('internal', [https('*.home.example.com')], status)], httpRoutes: routes });

/** Decodes what a client would receive for `name`/`type` (dns2 as an independent decoder). */
function ask(index: ReturnType<typeof buildIndex>, name: string, type: number, view = 0) {
  const packet = new Packet();
  packet.questions.push({ name, type, class: 1 } as never);
  const q = parseQuery(packet.toBuffer(), { address: '127.0.0.1', port: 1 }, 'udp');
  if ('kind' in q) throw new Error('bad query');
  const r = lookup(index, q.name, type, view);
  if (r === undefined) return 'outside';
  if (isMiss(r)) return 'miss';
  return Packet.parse(answerMessage(q, r));
}

describe('the index', () => {
  const index = buildIndex(
    snapshot([
      route('pdf', ['pdf.home.example.com']),
      route('apps', ['*.apps.home.example.com']),
      route('deep', ['x.y.apps.home.example.com']),
      route('off', ['pdf.elsewhere.org']),
    ]),
    config,
  );
  it('answers A and AAAA from status.addresses, with AA, the question echoed and owner = the question', () => {
    const a = ask(index, 'PDF.Home.Example.com', TYPE.A) as Packet;
    expect(a.header.aa).toBe(1);
    expect(a.questions[0]?.name).toBe('PDF.Home.Example.com');
    expect(a.answers.map((r) => [r.name, r.type, r.ttl, (r as { address?: string }).address])).toEqual([
      ['PDF.Home.Example.com', 1, 30, '10.90.3.202'],
    ]);
    expect(
      (ask(index, 'pdf.home.example.com', TYPE.AAAA) as Packet).answers.map(
        (r) => (r as { address?: string }).address,
      ),
    ).toEqual(['fd00::202']);
  });
  it('answers other types with NODATA and the SOA (serial = generation), never a miss', () => {
    for (const type of [TYPE.HTTPS, TYPE.SVCB, TYPE.TXT, TYPE.MX, TYPE.CAA, TYPE.NS]) {
      const r = ask(index, 'pdf.home.example.com', type) as Packet;
      expect(r.header.rcode).toBe(0);
      expect(r.answers).toHaveLength(0);
      expect(r.authorities[0]).toMatchObject({
        type: TYPE.SOA,
        serial: 7,
        minimum: 30,
        name: 'home.example.com',
      });
    }
  });
  it('serves wildcards at any depth but not the bare suffix, and prefers exact names', () => {
    expect((ask(index, 'a.apps.home.example.com', TYPE.A) as Packet).answers).toHaveLength(1);
    expect((ask(index, 'a.b.c.apps.home.example.com', TYPE.A) as Packet).answers).toHaveLength(1);
    const ent = ask(index, 'apps.home.example.com', TYPE.A) as Packet; // empty non-terminal
    expect([ent.header.rcode, ent.answers.length]).toEqual([0, 0]);
    expect(index.exact.get('x.y.apps.home.example.com')?.served.routes).toEqual(['home/deep']);
  });
  it('answers the apex SOA and NS, the nameserver address, and misses for unknown names', () => {
    expect((ask(index, 'home.example.com', TYPE.SOA) as Packet).answers[0]).toMatchObject({
      type: TYPE.SOA,
      serial: 7,
    });
    expect((ask(index, 'home.example.com', TYPE.NS) as Packet).answers[0]).toMatchObject({
      ns: 'ns.home.example.com',
    });
    expect((ask(index, 'ns.home.example.com', TYPE.A) as Packet).answers[0]).toMatchObject({
      address: '10.90.3.200',
    });
    expect(ask(index, 'nothing.home.example.com', TYPE.A)).toBe('miss');
    expect(ask(index, 'pdf.elsewhere.org', TYPE.A)).toBe('outside');
    expect(index.outside).toEqual([]); // the listener's *.home.example.com already excludes it
    const open = buildIndex(
      {
        ...snapshot([route('off', ['pdf.elsewhere.org'])]),
        gateways: [gw('internal', [https()], ['10.90.3.202'])],
      },
      config,
    );
    expect(open.outside).toEqual(['pdf.elsewhere.org']);
  });
  it('answers per view and PTR for the gateway address in a reverse zone', () => {
    expect((ask(index, 'pdf.home.example.com', TYPE.A, 1) as Packet).answers[0]).toMatchObject({
      address: '100.100.3.202',
    });
    const ptr = ask(index, '202.3.90.10.in-addr.arpa', TYPE.PTR) as Packet;
    expect(ptr.answers.map((r) => (r as { domain?: string }).domain)).toEqual([
      'pdf.home.example.com',
      'x.y.apps.home.example.com',
    ]);
    expect(ask(index, '99.3.90.10.in-addr.arpa', TYPE.PTR)).toBe('miss');
  });
  it('uses spec.addresses and the config override when told to', () => {
    const fromSpec = buildIndex(
      { ...snapshot([route('pdf', ['pdf.home.example.com'])], []) },
      { ...config, useSpecAddresses: true },
    );
    expect(fromSpec.exact.get('pdf.home.example.com')?.served.addresses.default).toEqual(['10.90.3.202']);
    const override = buildIndex(snapshot([route('pdf', ['pdf.home.example.com'])]), {
      ...config,
      gateways: [{ ref: 'network/internal', addresses: ['10.1.1.1'] }],
    });
    expect(override.exact.get('pdf.home.example.com')?.served.addresses.default).toEqual(['10.1.1.1']);
  });
});
