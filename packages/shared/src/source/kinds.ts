import { GATEWAY_API_GROUP } from '../gateway-api/types.ts';

/**
 * The kinds of object a source can watch: where the API serves each, and whether its CRD may be
 * missing from a cluster. A service asks for the kinds it reads; the rest stay empty.
 */
export interface ResourceKind {
  /** API group; '' for the core group (`/api/v1`). */
  group: string;
  version: string;
  plural: string;
  kind: string;
  /** False for cluster-scoped kinds (Namespaces): never listed per namespace. */
  namespaced: boolean;
  /**
   * A CRD a cluster may not have installed (external-dns's DNSEndpoint, Envoy Gateway's
   * SecurityPolicy, GRPCRoute on older Gateway API releases): a 404 means "none of these", not an
   * outage; the source logs it once, serves the rest, and looks again now and then.
   */
  optional: boolean;
  /**
   * False for kinds read as context rather than served (Namespaces, whose labels decide which
   * routes a Gateway admits): `source.labelSelector` picks the objects a service serves, so it
   * must not hide these, or a selector on routes would empty every `from: Selector` listener.
   */
  labelFiltered: boolean;
}

export const KINDS = {
  gateways: {
    group: GATEWAY_API_GROUP,
    version: 'v1',
    plural: 'gateways',
    kind: 'Gateway',
    namespaced: true,
    optional: false,
    labelFiltered: true,
  },
  httproutes: {
    group: GATEWAY_API_GROUP,
    version: 'v1',
    plural: 'httproutes',
    kind: 'HTTPRoute',
    namespaced: true,
    optional: false,
    labelFiltered: true,
  },
  grpcroutes: {
    group: GATEWAY_API_GROUP,
    version: 'v1',
    plural: 'grpcroutes',
    kind: 'GRPCRoute',
    namespaced: true,
    optional: true,
    labelFiltered: true,
  },
  services: {
    group: '',
    version: 'v1',
    plural: 'services',
    kind: 'Service',
    namespaced: true,
    optional: false,
    labelFiltered: true,
  },
  namespaces: {
    group: '',
    version: 'v1',
    plural: 'namespaces',
    kind: 'Namespace',
    namespaced: false,
    optional: false,
    labelFiltered: false,
  },
  dnsendpoints: {
    group: 'externaldns.k8s.io',
    version: 'v1alpha1',
    plural: 'dnsendpoints',
    kind: 'DNSEndpoint',
    namespaced: true,
    optional: true,
    labelFiltered: true,
  },
  securitypolicies: {
    group: 'gateway.envoyproxy.io',
    version: 'v1alpha1',
    plural: 'securitypolicies',
    kind: 'SecurityPolicy',
    namespaced: true,
    optional: true,
    labelFiltered: true,
  },
} as const satisfies Record<string, ResourceKind>;

/** A kind by its plural name: `gateways`, `services`, ... */
export type KindName = keyof typeof KINDS;

/** What a source watches unless told otherwise: the Gateway API routes and their Gateways. */
export const DEFAULT_KINDS: readonly KindName[] = ['gateways', 'httproutes'];

/** `apiVersion` of a kind: `v1` for the core group, `group/version` otherwise. */
export const apiVersionOf = (k: ResourceKind): string =>
  k.group === '' ? k.version : `${k.group}/${k.version}`;

/** The API path of a kind's collection, cluster-wide or in one namespace. */
export function collectionPath(k: ResourceKind, namespace: string): string {
  const base = k.group === '' ? `/api/${k.version}` : `/apis/${k.group}/${k.version}`;
  return `${base}${namespace && k.namespaced ? `/namespaces/${namespace}` : ''}/${k.plural}`;
}
