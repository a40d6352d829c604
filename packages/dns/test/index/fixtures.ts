// Gateway API objects for the index tests, built by hand.
import type { Gateway, HTTPRoute } from '@horizon/shared';

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
