import { type GatewayApiSnapshot, type HTTPRoute, snapshotOf } from '@horizon/shared';
import { describe, expect, it } from 'vitest';
import { buildIndex } from '../../src/index/build.ts';
import type { IndexConfig } from '../../src/index/types.ts';
import { TYPE } from '../../src/wire/constants.ts';
import { ask, gw, https, indexConfig, route, service } from './fixtures.ts';

// Names from Services, the Gateway's own annotation, GRPCRoutes, the annotations on each, and
// Namespace labels for from: Selector: each rule of issue 15's sources, one row each.
const internal = gw('internal', [https('*.home.example.com')], ['10.90.3.202']);
const build = (parts: Partial<Omit<GatewayApiSnapshot, 'generation'>>, over: Partial<IndexConfig> = {}) =>
  buildIndex(snapshotOf(1, { gateways: [internal], ...parts }), indexConfig(over));
const a = (name: string, type: number = TYPE.A, view = 0, parts = {}, over = {}) => {
  const r = ask(build(parts, over), name, type, view);
  return typeof r === 'string' ? r : r.answers;
};

describe('LoadBalancer Services', () => {
  const host = (v: string) => ({ 'external-dns.alpha.kubernetes.io/hostname': v });
  it.each<[string, Parameters<typeof service>, number, string[] | string]>([
    [
      'the old prefix, status ip',
      ['mqtt', host('mqtt.home.example.com'), { ingress: [{ ip: '10.90.3.210' }] }],
      TYPE.A,
      ['mqtt.home.example.com 30 A 10.90.3.210'],
    ],
    [
      'the new prefix (v0.22)',
      [
        'mqtt',
        { 'external-dns.kubernetes.io/hostname': 'mqtt.home.example.com' },
        { ingress: [{ ip: '10.90.3.210' }] },
      ],
      TYPE.A,
      ['mqtt.home.example.com 30 A 10.90.3.210'],
    ],
    [
      'an IPv6 ingress as AAAA',
      ['mqtt', host('mqtt.home.example.com'), { ingress: [{ ip: '10.90.3.210' }, { ip: 'fd00::210' }] }],
      TYPE.AAAA,
      ['mqtt.home.example.com 30 AAAA fd00::210'],
    ],
    [
      'a hostname ingress as a CNAME',
      ['pg', host('mqtt.home.example.com'), { ingress: [{ hostname: 'lb.cloud.example.net' }] }],
      TYPE.A,
      ['mqtt.home.example.com 30 CNAME lb.cloud.example.net'],
    ],
    [
      'the ttl annotation',
      [
        'mqtt',
        { ...host('mqtt.home.example.com'), 'external-dns.alpha.kubernetes.io/ttl': '5m' },
        { ingress: [{ ip: '10.90.3.210' }] },
      ],
      TYPE.A,
      ['mqtt.home.example.com 300 A 10.90.3.210'],
    ],
    [
      'a ClusterIP Service: no name',
      ['mqtt', host('mqtt.home.example.com'), { type: 'ClusterIP', ingress: [{ ip: '10.90.3.210' }] }],
      TYPE.A,
      'miss',
    ],
    ['no address yet: no name', ['mqtt', host('mqtt.home.example.com'), {}], TYPE.A, 'miss'],
    [
      'controller naming another controller',
      [
        'mqtt',
        { ...host('mqtt.home.example.com'), 'external-dns.alpha.kubernetes.io/controller': 'cloudflare' },
        { ingress: [{ ip: '10.90.3.210' }] },
      ],
      TYPE.A,
      'miss',
    ],
    [
      "Horizon's ignore annotation",
      [
        'mqtt',
        { ...host('mqtt.home.example.com'), 'horizon.io/dns-ignore': 'true' },
        { ingress: [{ ip: '10.90.3.210' }] },
      ],
      TYPE.A,
      'miss',
    ],
  ])('%s', (_, args, type, expected) => {
    expect(a('mqtt.home.example.com', type, 0, { services: [service(...args)] })).toEqual(expected);
  });

  it('names a comma list, wildcards among them, and reports names outside the zones', () => {
    const s = service('smtp', host(' smtp.home.example.com, *.mail.home.example.com ,relay.other.org'), {
      ingress: [{ ip: '10.90.3.211' }],
    });
    const index = build({ services: [s] });
    expect(ask(index, 'x.mail.home.example.com', TYPE.A)).toMatchObject({
      answers: ['x.mail.home.example.com 30 A 10.90.3.211'],
    });
    expect(ask(index, 'smtp.home.example.com', TYPE.A)).toMatchObject({
      answers: ['smtp.home.example.com 30 A 10.90.3.211'],
    });
    expect(index.outside).toEqual(['relay.other.org']);
    expect(ask(index, '211.3.90.10.in-addr.arpa', TYPE.PTR)).toMatchObject({
      answers: ['211.3.90.10.in-addr.arpa 30 PTR smtp.home.example.com'], // a wildcard has no name to give
    });
  });

  it.each<[string, Record<string, string>, string | undefined, string[]]>([
    [
      'lbipam.cilium.io/ips',
      { 'lbipam.cilium.io/ips': '10.90.3.212,fd00::212' },
      undefined,
      ['10.90.3.212', 'fd00::212'],
    ],
    ['io.cilium/lb-ipam-ips (older)', { 'io.cilium/lb-ipam-ips': '10.90.3.213' }, undefined, ['10.90.3.213']],
    ['spec.loadBalancerIP', {}, '10.90.3.214', ['10.90.3.214']],
    [
      'the annotation over spec.loadBalancerIP',
      { 'lbipam.cilium.io/ips': '10.90.3.215' },
      '10.90.3.214',
      ['10.90.3.215'],
    ],
  ])('in manifests, without status: %s', (_, extra, ip, expected) => {
    const s = service('pg', { ...host('pg.home.example.com'), ...extra }, ip ? { loadBalancerIP: ip } : {});
    const index = build({ services: [s] }, { fromManifests: true, ignoreStatus: true });
    expect(index.exact.get('pg.home.example.com')?.served.addresses.default).toEqual(expected);
  });
});

describe("the Gateway's own name", () => {
  const named = (where: 'metadata' | 'infrastructure', ref = 'internal') => {
    const g = gw(ref, [https('*.home.example.com')], [ref === 'internal' ? '10.90.3.202' : '10.90.3.201']);
    const annotations = { 'external-dns.alpha.kubernetes.io/hostname': `${ref}.home.example.com` };
    if (where === 'metadata') g.metadata.annotations = annotations;
    else g.spec.infrastructure = { annotations };
    return g;
  };
  it.each(['metadata', 'infrastructure'] as const)('from %s annotations, in each view', (where) => {
    const index = buildIndex(snapshotOf(1, { gateways: [named(where)] }), indexConfig());
    expect(ask(index, 'internal.home.example.com', TYPE.A)).toMatchObject({
      answers: ['internal.home.example.com 30 A 10.90.3.202'],
    });
    expect(ask(index, 'internal.home.example.com', TYPE.A, 1)).toMatchObject({
      answers: ['internal.home.example.com 30 A 100.100.3.202'],
    });
  });
  it('not for a Gateway Horizon does not serve (the public side names the external one)', () => {
    const index = buildIndex(snapshotOf(1, { gateways: [named('metadata', 'external')] }), indexConfig());
    expect(ask(index, 'external.home.example.com', TYPE.A)).toBe('miss');
  });
});

describe('routes: GRPCRoute, annotations, Namespace labels', () => {
  const grpc = (r: HTTPRoute) => ({ ...r, kind: 'GRPCRoute' });
  it('serves a GRPCRoute as an HTTPRoute, unless the listener admits HTTPRoutes only', () => {
    expect(
      a('grpc.home.example.com', TYPE.A, 0, { grpcRoutes: [grpc(route('g', ['grpc.home.example.com']))] }),
    ).toEqual(['grpc.home.example.com 30 A 10.90.3.202']);
    const httpOnly = gw(
      'internal',
      [https(undefined, { allowedRoutes: { namespaces: { from: 'All' }, kinds: [{ kind: 'HTTPRoute' }] } })],
      ['10.90.3.202'],
    );
    const index = buildIndex(
      snapshotOf(1, { gateways: [httpOnly], grpcRoutes: [grpc(route('g', ['grpc.home.example.com']))] }),
      indexConfig(),
    );
    expect(ask(index, 'grpc.home.example.com', TYPE.A)).toBe('miss');
  });

  const annotated = (annotations: Record<string, string>, hostnames = ['pdf.home.example.com']) => {
    const r = route('pdf', hostnames);
    r.metadata.annotations = annotations;
    return build({ httpRoutes: [r] });
  };
  it.each<[string, Record<string, string>, string, string[] | string]>([
    [
      'hostname adds names',
      { 'external-dns.alpha.kubernetes.io/hostname': 'books.home.example.com' },
      'books.home.example.com',
      ['books.home.example.com 30 A 10.90.3.202'],
    ],
    [
      '... and spec.hostnames stay',
      { 'external-dns.alpha.kubernetes.io/hostname': 'books.home.example.com' },
      'pdf.home.example.com',
      ['pdf.home.example.com 30 A 10.90.3.202'],
    ],
    [
      'gateway-hostname-source: annotation-only',
      {
        'external-dns.kubernetes.io/hostname': 'books.home.example.com',
        'external-dns.kubernetes.io/gateway-hostname-source': 'annotation-only',
      },
      'pdf.home.example.com',
      'miss',
    ],
    [
      'gateway-hostname-source: defined-hosts-only',
      {
        'external-dns.kubernetes.io/hostname': 'books.home.example.com',
        'external-dns.kubernetes.io/gateway-hostname-source': 'defined-hosts-only',
      },
      'books.home.example.com',
      'miss',
    ],
    [
      'ttl in seconds',
      { 'external-dns.alpha.kubernetes.io/ttl': '120' },
      'pdf.home.example.com',
      ['pdf.home.example.com 120 A 10.90.3.202'],
    ],
    [
      'ttl as a Go duration',
      { 'external-dns.alpha.kubernetes.io/ttl': '1h30m' },
      'pdf.home.example.com',
      ['pdf.home.example.com 5400 A 10.90.3.202'],
    ],
    [
      'an invalid ttl: the default',
      { 'external-dns.alpha.kubernetes.io/ttl': 'soon' },
      'pdf.home.example.com',
      ['pdf.home.example.com 30 A 10.90.3.202'],
    ],
    [
      'controller: dns-controller is ours',
      { 'external-dns.alpha.kubernetes.io/controller': 'dns-controller' },
      'pdf.home.example.com',
      ['pdf.home.example.com 30 A 10.90.3.202'],
    ],
    [
      'controller: another one opts out',
      { 'external-dns.alpha.kubernetes.io/controller': 'cloudflare' },
      'pdf.home.example.com',
      'miss',
    ],
    ['horizon.io/dns-ignore opts out', { 'horizon.io/dns-ignore': 'true' }, 'pdf.home.example.com', 'miss'],
  ])('%s', (_, annotations, name, expected) => {
    const r = ask(annotated(annotations), name, TYPE.A);
    expect(typeof r === 'string' ? r : r.answers).toEqual(expected);
  });
  it('says what an annotation it cannot read was', () => {
    const index = annotated({
      'external-dns.alpha.kubernetes.io/ttl': 'soon',
      'external-dns.alpha.kubernetes.io/hostname': 'ok.home.example.com,bad_name!',
    });
    expect(index.problems.map((p) => `${p.owner}: ${p.problem.slice(0, 24)}`).sort()).toEqual([
      'HTTPRoute home/pdf: hostname: "bad_name!" is',
      'HTTPRoute home/pdf: ttl: "soon" is not a TTL',
    ]);
  });

  const selectorGateway = gw(
    'internal',
    [
      https('*.home.example.com', {
        allowedRoutes: {
          namespaces: { from: 'Selector', selector: { matchLabels: { 'horizon.io/expose': 'lan' } } },
        },
      }),
    ],
    ['10.90.3.202'],
  );
  const ns = (name: string, labels: Record<string, string>) => ({ metadata: { name, labels } });
  it.each<[string, ReturnType<typeof ns>[], boolean, string[] | string]>([
    [
      'a Namespace with the label',
      [ns('home', { 'horizon.io/expose': 'lan' })],
      false,
      ['pdf.home.example.com 30 A 10.90.3.202'],
    ],
    ['a Namespace without it', [ns('home', { 'horizon.io/expose': 'no' })], false, 'miss'],
    ['a Namespace the API does not have', [], false, 'miss'],
    ['a manifest folder without the Namespace: the name label only', [], true, 'miss'],
  ])('from: Selector over %s', (_, namespaces, fromManifests, expected) => {
    const index = buildIndex(
      snapshotOf(1, {
        gateways: [selectorGateway],
        httpRoutes: [route('pdf', ['pdf.home.example.com'])],
        namespaces,
      }),
      indexConfig({ fromManifests, ignoreStatus: true }),
    );
    const r = ask(index, 'pdf.home.example.com', TYPE.A);
    expect(typeof r === 'string' ? r : r.answers).toEqual(expected);
  });
  it('from: Selector on the name label the API server sets, with or without the Namespace', () => {
    const byName = gw(
      'internal',
      [
        https(undefined, {
          allowedRoutes: {
            namespaces: {
              from: 'Selector',
              selector: {
                matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['home'] }],
              },
            },
          },
        }),
      ],
      ['10.90.3.202'],
    );
    for (const [namespaces, fromManifests] of [
      [[ns('home', {})], false],
      [[], true],
    ] as const) {
      const index = buildIndex(
        snapshotOf(1, {
          gateways: [byName],
          httpRoutes: [route('pdf', ['pdf.home.example.com'])],
          namespaces: [...namespaces],
        }),
        indexConfig({ fromManifests, ignoreStatus: true }),
      );
      expect(ask(index, 'pdf.home.example.com', TYPE.A)).toMatchObject({
        answers: ['pdf.home.example.com 30 A 10.90.3.202'],
      });
    }
  });
});
