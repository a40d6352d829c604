import type { Gateway, HTTPRoute } from '@horizon/shared';
/** A Gateway as the design writes them (spec.addresses set), optionally with status addresses. */
export declare function gateway(namespace: string, name: string, address: string, hostname?: string): Gateway;
/** An HTTPRoute attached to `parent` (namespace/name) for `hostnames`. */
export declare function httpRoute(
  namespace: string,
  name: string,
  hostnames: string[],
  parent?: string,
  labels?: Record<string, string>,
): HTTPRoute;
