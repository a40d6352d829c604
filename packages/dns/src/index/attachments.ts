import {
  GATEWAY_API_GROUP,
  type Gateway,
  gatewayRefsOf,
  type HTTPRoute,
  keyOf,
  type LabelMatcher,
  type Listener,
  labelSelectorMatcher,
  namespaceOf,
  type ParentReference,
} from '@horizon/shared';
import { hostnameSource, hostnamesOf, ownerOf } from './annotations.ts';
import { hostnamesFor } from './hostnames.ts';
import type { Problems } from './limits.ts';

/** A route of either kind Horizon serves: HTTPRoute or GRPCRoute (the same shape for DNS). */
export interface Route {
  kind: 'HTTPRoute' | 'GRPCRoute';
  route: HTTPRoute;
}

/** One hostname a route serves through one selected Gateway. */
export interface Attachment {
  hostname: string;
  gateway: string;
  /** `Kind namespace/name`. */
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
  /** A namespace's labels (for `from: Selector`); undefined for a namespace that does not exist. */
  namespaceLabels: (namespace: string) => Readonly<Record<string, string>> | undefined;
  problems: Problems;
}

/**
 * Every (hostname, gateway, route) the selected Gateways serve, following the Gateway API as
 * external-dns's Gateway source does: the route must name the Gateway (namespace defaulting to the
 * route's), be Accepted by it, pass the listener's allowedRoutes (kinds, and namespaces: `Same`,
 * `All`, or `Selector` over the Namespace's labels, which Horizon watches), and its hostnames
 * (with the `hostname` annotation's) are intersected with the listener's; `sectionName` and
 * `port` pick listeners. The callers drop routes that opted out.
 */
export function attachments(
  gateways: readonly Gateway[],
  routes: readonly Route[],
  o: AttachmentOptions,
): Attachment[] {
  const selected = new Set(o.gateways);
  const byKey = new Map(gateways.map((g) => [keyOf(g), g]));
  const selectors = new Map<Listener, LabelMatcher>(); // compiled once per listener per build
  const admits = (listener: Listener, gateway: Gateway, r: Route) =>
    allowsKind(listener, r.kind) && allowsNamespace(listener, gateway, r.route, o, selectors);
  const out: Attachment[] = [];
  for (const r of routes) {
    const owner = ownerOf(r.kind, r.route);
    let own: ReturnType<typeof routeNames> | undefined; // read once a selected Gateway is named
    for (const ref of gatewayRefsOf(r.route)) {
      const gateway = byKey.get(ref.gateway);
      if (!gateway || !selected.has(ref.gateway)) continue;
      if (!o.ignoreStatus && !accepted(r.route, ref.gateway, ref.sectionName, ref.port)) {
        // Said on /records and the status page: the commonest reason a name is missing.
        o.problems.add(
          owner,
          `not Accepted by ${ref.gateway}${refusal(r.route, ref.gateway)}: its names are not served`,
        );
        continue;
      }
      own ??= routeNames(r.route, owner, o.problems);
      let admitted = false;
      for (const listener of listenersFor(gateway, ref.sectionName, ref.port)) {
        if (!admits(listener, gateway, r)) continue;
        admitted = true;
        for (const hostname of hostnamesFor(own.names, listener.hostname, own.takeListener)) {
          out.push({ hostname, gateway: ref.gateway, route: owner });
        }
      }
      if (!admitted)
        o.problems.add(
          owner,
          `no listener of ${ref.gateway} admits it (sectionName, port, allowedRoutes): its names are not served`,
        );
    }
  }
  return out;
}

/** What the route's status says about its refusal by `gateway`, when it says anything. */
function refusal(route: HTTPRoute, gateway: string): string {
  const routeNs = namespaceOf(route);
  for (const p of route.status?.parents ?? []) {
    if (`${p.parentRef.namespace ?? routeNs}/${p.parentRef.name}` !== gateway) continue;
    const c = (p.conditions ?? []).find((x) => x.type === 'Accepted');
    if (c) return ` (${c.reason ?? c.status}${c.message ? `: ${c.message.slice(0, 120)}` : ''})`;
  }
  return ' (no status from the Gateway controller yet)';
}

/** A route's own names: `spec.hostnames` and the `hostname` annotation, as `gateway-hostname-source` says. */
function routeNames(route: HTTPRoute, owner: string, problems: Problems) {
  const spec = route.spec?.hostnames ?? [];
  const annotations = route.metadata.annotations;
  const source = hostnameSource(annotations);
  const extra = source === 'defined-hosts-only' ? [] : hostnamesOf(annotations, owner, problems);
  const own = source === 'annotation-only' ? [] : spec;
  return { names: [...own, ...extra], takeListener: source !== 'annotation-only' && spec.length === 0 };
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

/** allowedRoutes.kinds: the route's kind must be listed; HTTP(S) listeners take both by default. */
function allowsKind(listener: Listener, kind: Route['kind']): boolean {
  const kinds = listener.allowedRoutes?.kinds;
  if (!kinds || kinds.length === 0) return true;
  return kinds.some((k) => k.kind === kind && (k.group ?? GATEWAY_API_GROUP) === GATEWAY_API_GROUP);
}

/** allowedRoutes.namespaces: `Same` by default, `All`, or `Selector` over the route's Namespace's labels. */
function allowsNamespace(
  listener: Listener,
  gateway: Gateway,
  route: HTTPRoute,
  o: AttachmentOptions,
  selectors: Map<Listener, LabelMatcher>,
): boolean {
  const namespaces = listener.allowedRoutes?.namespaces;
  const from = namespaces?.from ?? 'Same';
  if (from === 'All') return true;
  if (from === 'Same') return namespaceOf(route) === namespaceOf(gateway);
  if (from !== 'Selector') return false; // a value the API would refuse
  let matches = selectors.get(listener);
  if (!matches) {
    matches = labelSelectorMatcher(namespaces?.selector);
    selectors.set(listener, matches);
  }
  const labels = o.namespaceLabels(namespaceOf(route));
  return labels !== undefined && matches(labels);
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
