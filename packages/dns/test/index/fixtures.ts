// Gateway API objects for the index tests, built by hand.
import type { DNSEndpoint, Gateway, HTTPRoute, Service } from '@horizon/shared';
import { Packet } from 'dns2';
import { isMiss, lookup } from '../../src/index/lookup.ts';
import type { IndexConfig, IndexData } from '../../src/index/types.ts';
import { TYPE_NAME } from '../../src/wire/constants.ts';
import { parseQuery } from '../../src/wire/query.ts';
import { answerMessage } from '../../src/wire/response.ts';

/** A Gateway `name` in `ns` with `listeners`; spec address 10.90.3.202 (internal) or .201, status addresses if given. */
export const gw = (
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
/** An HTTPS listener on 443 allowing routes from every namespace. */
export const https = (hostname?: string, extra: Partial<Gateway['spec']['listeners'][number]> = {}) => ({
  name: 'https',
  port: 443,
  protocol: 'HTTPS',
  allowedRoutes: { namespaces: { from: 'All' as const } },
  ...(hostname ? { hostname } : {}),
  ...extra,
});
/** An HTTPRoute with `hostnames` under one parent, Accepted by it (or not). */
export const route = (
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

/** A Service `name` in `home` of `type` with `annotations`, and its load balancer's status ingress. */
export const service = (
  name: string,
  annotations: Record<string, string>,
  o: { type?: string; ingress?: { ip?: string; hostname?: string }[]; loadBalancerIP?: string } = {},
): Service => ({
  metadata: { name, namespace: 'home', annotations },
  spec: {
    type: o.type ?? 'LoadBalancer',
    ...(o.loadBalancerIP ? { loadBalancerIP: o.loadBalancerIP } : {}),
  },
  ...(o.ingress ? { status: { loadBalancer: { ingress: o.ingress } } } : {}),
});

/** A DNSEndpoint `name` in `home` with `endpoints`. */
export const dnsEndpoint = (
  name: string,
  endpoints: DNSEndpoint['spec']['endpoints'],
  annotations?: Record<string, string>,
): DNSEndpoint => ({
  apiVersion: 'externaldns.k8s.io/v1alpha1',
  kind: 'DNSEndpoint',
  metadata: { name, namespace: 'home', ...(annotations ? { annotations } : {}) },
  spec: { endpoints },
});

/** The index config of these tests: one zone, a reverse zone, the internal Gateway, a tailnet view. */
export const indexConfig = (over: Partial<IndexConfig> = {}): IndexConfig => ({
  zones: [
    { name: 'home.example.com', nameserver: 'ns.home.example.com', nameserverAddresses: ['10.90.3.200'] },
  ],
  reverseZones: ['3.90.10.in-addr.arpa'],
  gateways: [{ ref: 'network/internal', addresses: [] }],
  views: [{ name: 'tailnet', addresses: { 'network/internal': ['100.100.3.202'] } }],
  ttl: 30,
  negativeTtl: 30,
  ignoreStatus: false,
  fromManifests: false,
  statics: [],
  ...over,
});

/** The message a client receives for `name`/`type` in `view`, decoded by dns2 (an independent decoder). */
export function decoded(index: IndexData, name: string, type: number, view = 0): Packet | 'outside' | 'miss' {
  const packet = new Packet();
  packet.questions.push({ name, type, class: 1 } as never);
  const q = parseQuery(packet.toBuffer(), { address: '127.0.0.1', port: 1 }, 'udp');
  if ('kind' in q) throw new Error('bad query');
  const r = lookup(index, q.name, type, view);
  if (r === undefined) return 'outside';
  if (isMiss(r)) return 'miss';
  return Packet.parse(answerMessage(q, r));
}

/** What a client decodes for `name`/`type` in `view`: rcode, records as text, authority count. */
export function ask(index: IndexData, name: string, type: number, view = 0) {
  const p = decoded(index, name, type, view);
  if (typeof p === 'string') return p;
  return {
    rcode: p.header.rcode,
    aa: p.header.aa,
    answers: p.answers.map((a) => `${a.name} ${a.ttl} ${TYPE_NAME[a.type] ?? a.type} ${dataOf(a)}`),
    authority: p.authorities.length,
  };
}

/** One decoded record's data as text. */
function dataOf(a: object): string {
  const r = a as Record<string, unknown>;
  if (r.address !== undefined) return String(r.address);
  if (r.exchange !== undefined) return `${r.priority} ${r.exchange}`;
  if (r.port !== undefined) return `${r.priority} ${r.weight} ${r.port} ${r.target}`;
  if (r.data !== undefined) return JSON.stringify(r.data);
  return String(r.domain ?? '?');
}
