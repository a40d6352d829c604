import { GATEWAY_API_GROUP, type HTTPRoute, namespaceOf, type ParentReference } from './types.ts';

/** A route's reference to a Gateway, with the API's defaults applied. */
export interface GatewayRef {
  /** `namespace/name` of the Gateway. */
  gateway: string;
  sectionName: string | undefined;
  port: number | undefined;
}

/**
 * The Gateways a route names, with Gateway API defaulting: `group` defaults to
 * gateway.networking.k8s.io, `kind` to Gateway, `namespace` to the route's own namespace.
 * References to other kinds (a Service for GAMMA mesh routing) are not Gateways and are skipped.
 */
export function gatewayRefsOf(route: HTTPRoute): GatewayRef[] {
  const own = namespaceOf(route);
  const refs: GatewayRef[] = [];
  for (const ref of route.spec?.parentRefs ?? []) {
    if (!isGatewayRef(ref)) continue;
    refs.push({
      gateway: `${ref.namespace ?? own}/${ref.name}`,
      sectionName: ref.sectionName,
      port: ref.port,
    });
  }
  return refs;
}

function isGatewayRef(ref: ParentReference): boolean {
  return (ref.group ?? GATEWAY_API_GROUP) === GATEWAY_API_GROUP && (ref.kind ?? 'Gateway') === 'Gateway';
}
