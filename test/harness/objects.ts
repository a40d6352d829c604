import type { Gateway, HTTPRoute } from '@horizon/shared';

/** A Gateway as the design writes them (spec.addresses set), optionally with status addresses. */
export function gateway(namespace: string, name: string, address: string, hostname?: string): Gateway {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: { namespace, name },
    spec: {
      gatewayClassName: `envoy-${name}`,
      addresses: [{ type: 'IPAddress', value: address }],
      // As the design's Gateways: routes from every namespace (apps live in home, security...).
      listeners: [
        {
          name: 'https',
          port: 443,
          protocol: 'HTTPS',
          allowedRoutes: { namespaces: { from: 'All' } },
          ...(hostname ? { hostname } : {}),
        },
      ],
    },
    status: { addresses: [{ type: 'IPAddress', value: address }] },
  };
}

/** An HTTPRoute attached to `parent` (namespace/name) for `hostnames`. */
export function httpRoute(
  namespace: string,
  name: string,
  hostnames: string[],
  parent = 'network/internal',
  labels?: Record<string, string>,
): HTTPRoute {
  const [parentNs = 'network', parentName = 'internal'] = parent.split('/');
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { namespace, name, ...(labels ? { labels } : {}) },
    spec: { parentRefs: [{ name: parentName, namespace: parentNs }], hostnames },
  };
}

/** The route as its Gateway controller leaves it: `Accepted=True` for every parentRef. */
export function accepted<T extends { spec: { parentRefs?: unknown[] } }>(route: T): T {
  const parents = (route.spec.parentRefs ?? []).map((parentRef) => ({
    parentRef,
    controllerName: 'gateway.envoyproxy.io/gatewayclass-controller',
    conditions: [{ type: 'Accepted', status: 'True' }],
  }));
  return { ...route, status: { parents } };
}
