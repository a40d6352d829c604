import {
  GATEWAY_API_GROUP,
  type Gateway,
  gatewayRefsOf,
  type HTTPRoute,
  keyOf,
  type Listener,
  namespaceOf,
  type ParentReference,
} from '@horizon/shared';
import { hostnamesFor } from './hostnames.ts';

/** One hostname a route serves through one selected Gateway. */
export interface Attachment {
  hostname: string;
  gateway: string;
  route: string;
}

export interface AttachmentOptions {
  /** `namespace/name` of the Gateways to serve, highest priority first. */
  gateways: readonly string[];
  /**
   * Count a route for a parent without `status.parents[].conditions[Accepted]=True`. For
   * manifests (which have no status) and controllers that do not write route status.
   */
  ignoreStatus: boolean;
}

/**
 * Every (hostname, gateway, route) the selected Gateways serve, following the Gateway API as
 * external-dns's Gateway source does: the route must name the Gateway (namespace defaulting to the
 * route's), be Accepted by it, pass the listener's allowedRoutes, and its hostnames are intersected
 * with the listener's; `sectionName` and `port` pick listeners.
 */
export function attachments(
  gateways: readonly Gateway[],
  routes: readonly HTTPRoute[],
  o: AttachmentOptions,
): Attachment[] {
  const selected = new Set(o.gateways);
  const byKey = new Map(gateways.map((g) => [keyOf(g), g]));
  const out: Attachment[] = [];
  for (const route of routes) {
    const routeNs = namespaceOf(route);
    const routeKey = keyOf(route);
    for (const ref of gatewayRefsOf(route)) {
      const gateway = byKey.get(ref.gateway);
      if (!gateway || !selected.has(ref.gateway)) continue;
      if (!o.ignoreStatus && !accepted(route, ref.gateway, ref.sectionName, ref.port)) continue;
      for (const listener of listenersFor(gateway, ref.sectionName, ref.port)) {
        if (!allowsRoute(listener, gateway, routeNs, o.ignoreStatus)) continue;
        for (const hostname of hostnamesFor(route.spec?.hostnames ?? [], listener.hostname)) {
          out.push({ hostname, gateway: ref.gateway, route: routeKey });
        }
      }
    }
  }
  return out;
}

function listenersFor(
  gateway: Gateway,
  sectionName: string | undefined,
  port: number | undefined,
): Listener[] {
  return (gateway.spec?.listeners ?? []).filter(
    (l) =>
      (sectionName === undefined || l.name === sectionName) &&
      (port === undefined || l.port === port) &&
      (l.protocol === 'HTTP' || l.protocol === 'HTTPS'),
  );
}

/** allowedRoutes: namespaces (`Same` by default) and kinds (HTTPRoute must be among them). */
function allowsRoute(listener: Listener, gateway: Gateway, routeNs: string, ignoreStatus: boolean): boolean {
  const kinds = listener.allowedRoutes?.kinds;
  if (
    kinds &&
    kinds.length > 0 &&
    !kinds.some((k) => k.kind === 'HTTPRoute' && (k.group ?? GATEWAY_API_GROUP) === GATEWAY_API_GROUP)
  ) {
    return false;
  }
  const from = listener.allowedRoutes?.namespaces?.from ?? 'Same';
  if (from === 'All') return true;
  if (from === 'Same') return routeNs === namespaceOf(gateway);
  // Selector needs Namespace labels, which Horizon does not watch (least privilege): the
  // controller's Accepted condition already reflects it. Without status, it is allowed.
  return from === 'Selector' ? true : ignoreStatus;
}

/** The route's status says the Gateway (and listener, if named) accepted it. */
function accepted(
  route: HTTPRoute,
  gateway: string,
  sectionName: string | undefined,
  port: number | undefined,
): boolean {
  const routeNs = namespaceOf(route);
  return (route.status?.parents ?? []).some(
    (p) =>
      sameParent(p.parentRef, routeNs, gateway, sectionName, port) &&
      (p.conditions ?? []).some((c) => c.type === 'Accepted' && c.status === 'True'),
  );
}

function sameParent(
  ref: ParentReference,
  routeNs: string,
  gateway: string,
  sectionName?: string,
  port?: number,
): boolean {
  return (
    `${ref.namespace ?? routeNs}/${ref.name}` === gateway &&
    (ref.kind ?? 'Gateway') === 'Gateway' &&
    ref.sectionName === sectionName &&
    ref.port === port
  );
}
