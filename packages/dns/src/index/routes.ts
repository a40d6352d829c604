import type { GatewayApiSnapshot, HTTPRoute } from '@horizon/shared';
import { optedOut, ownerOf, ttlOf } from './annotations.ts';
import { attachments, type Route } from './attachments.ts';
import { LIMITS, type Problems } from './limits.ts';
import { namespaceLabelsOf } from './namespaces.ts';
import { addressSets } from './record-sets.ts';
import type { Claim, IndexConfig } from './types.ts';

/** A Gateway's addresses for a view (0: the default) by its `namespace/name`. */
export type GatewayAddresses = (ref: string, view: number) => string[];

/** What building route claims needs from the index being built. */
export interface RouteClaimContext {
  c: IndexConfig;
  addresses: GatewayAddresses;
  /** True for a name in one of our zones. */
  inZones: (name: string) => boolean;
  problems: Problems;
  /** Names outside every zone, reported on /records. */
  outside: Set<string>;
  /** Claims made so far, and objects left unread once there are {@link CLAIM_BUDGET} of them. */
  claims: { made: number; objectsSkipped: number };
}

/**
 * Claims made per build at most before Services and DNSEndpoints are no longer read: twice the
 * names the index holds ({@link LIMITS.names}), room for names claimed twice. A flood of objects
 * then costs the build its reading, not a claim per name it could never serve (with the objects
 * themselves, a rebuild at 96 MB of heap ran out of memory).
 */
export const CLAIM_BUDGET = 2 * LIMITS.names;

/** True while there is room for another object's claims (`made` by this builder so far); counts the object otherwise. */
export function roomFor(x: RouteClaimContext, made: number): boolean {
  if (x.claims.made + made < CLAIM_BUDGET) return true;
  x.claims.objectsSkipped += 1;
  return false;
}

/**
 * A claim per hostname the selected Gateways serve (HTTPRoutes and GRPCRoutes), each with the
 * highest-priority Gateway that serves it and the routes through that Gateway naming it; the
 * answer is that Gateway's address in each view, with the lowest `ttl` annotation among those
 * routes (the config's TTL without one). Routes that opted out are left out.
 */
export function routeClaims(snapshot: GatewayApiSnapshot, x: RouteClaimContext): Claim[] {
  const { c } = x;
  const routes: Route[] = [
    ...snapshot.httpRoutes.map((route) => ({ kind: 'HTTPRoute' as const, route })),
    ...snapshot.grpcRoutes.map((route) => ({ kind: 'GRPCRoute' as const, route: route as HTTPRoute })),
  ].filter((r) => optedOut(r.route.metadata.annotations) === undefined);
  const byOwner = new Map(routes.map((r) => [ownerOf(r.kind, r.route), r.route]));
  const ttls = new Map<string, number>(); // read for the routes served only
  const ttlOfRoute = (owner: string): number => {
    let ttl = ttls.get(owner);
    if (ttl === undefined) {
      ttl = ttlOf(byOwner.get(owner)?.metadata.annotations, owner, x.problems) ?? c.ttl;
      ttls.set(owner, ttl);
    }
    return ttl;
  };
  const priority = new Map(c.gateways.map((g, i) => [g.ref, i]));
  const chosen = new Map<string, { gateway: string; routes: string[] }>();
  const found = attachments(snapshot.gateways, routes, {
    gateways: c.gateways.map((g) => g.ref),
    ignoreStatus: c.ignoreStatus,
    namespaceLabels: namespaceLabelsOf(snapshot.namespaces, c.fromManifests),
    problems: x.problems,
  });
  for (const a of found) {
    if (!x.inZones(a.hostname)) {
      x.outside.add(a.hostname);
      continue;
    }
    const current = chosen.get(a.hostname);
    if (!current || (priority.get(a.gateway) ?? 0) < (priority.get(current.gateway) ?? 0)) {
      chosen.set(a.hostname, { gateway: a.gateway, routes: [a.route] });
    } else if (current.gateway === a.gateway && !current.routes.includes(a.route)) {
      current.routes.push(a.route);
    }
  }
  // Names through one Gateway with one TTL share their records (and so, later, their answers' bytes).
  const shared = new Map<string, Claim['views']>();
  const viewsOf = (gateway: string, ttl: number): Claim['views'] => {
    const key = `${gateway} ${ttl}`;
    let views = shared.get(key);
    if (!views) {
      const owner = `Gateway ${gateway}`;
      views = Array.from({ length: c.views.length + 1 }, (_, v) =>
        addressSets(x.addresses(gateway, v), ttl, owner, x.problems),
      );
      shared.set(key, views);
    }
    return views;
  };
  return [...chosen].map(([name, { gateway, routes: names }]) => ({
    name,
    source: 'route',
    owner: names[0] ?? gateway,
    gateway,
    routes: names,
    views: viewsOf(gateway, Math.min(...names.map(ttlOfRoute))),
  }));
}
