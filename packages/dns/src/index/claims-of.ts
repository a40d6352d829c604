import type { GatewayApiSnapshot } from '@horizon/shared';
import { type Resolution, resolveClaims } from './claims.ts';
import { dnsEndpointClaims } from './dnsendpoints.ts';
import { gatewayNameClaims } from './gateway-names.ts';
import { LIMITS } from './limits.ts';
import { addressSets } from './record-sets.ts';
import { reverseClaims } from './reverse.ts';
import { CLAIM_BUDGET, type RouteClaimContext, routeClaims } from './routes.ts';
import { serviceClaims } from './services.ts';
import { staticClaims, staticPtrNames } from './static.ts';
import type { Claim } from './types.ts';

/**
 * Every name the sources claim, one owner each: routes (HTTPRoute, GRPCRoute), the selected
 * Gateways' own names, LoadBalancer Services, DNSEndpoints, the config's records and the
 * nameserver's address, resolved by the one precedence; then the PTR records of the addresses
 * the winners answer with, which lose to any PTR written at the same name.
 */
export function claimsOf(snapshot: GatewayApiSnapshot, x: RouteClaimContext): Resolution {
  const claims: Claim[] = [];
  // The cluster's sources in precedence order, each told how many claims came before it.
  for (const source of [
    () => routeClaims(snapshot, x),
    () => gatewayNameClaims(snapshot.gateways, x),
    () => serviceClaims(snapshot.services, x),
    () => dnsEndpointClaims(snapshot.dnsEndpoints, x),
  ]) {
    const made = source();
    x.claims.made += made.length;
    for (const c of made) claims.push(c);
  }
  if (x.claims.objectsSkipped > 0) {
    x.problems.list.unshift({
      owner: '(index)',
      problem: `${x.claims.objectsSkipped} Services and DNSEndpoints not read: ${CLAIM_BUDGET} names claimed before them`,
    });
  }
  claims.push(...staticClaims(x.c.statics, x.c.ttl, x.problems), ...nameserverClaims(x));
  const resolved = resolveClaims(claims);
  const reverseInZones = (name: string) => x.inZones(name);
  const ptr = reverseClaims(resolved.winners, reverseInZones, staticPtrNames(x.c.statics), x.problems);
  const all = resolveClaims(ptr, resolved);
  if (all.unserved > 0) {
    // First on the list, whatever else filled it: this one says names are missing.
    x.problems.list.unshift({
      owner: '(index)',
      problem: `${all.unserved} names past the index's bound of ${LIMITS.names} not served`,
    });
  }
  return all;
}

/** The apex NS names' addresses (`nameserver.addresses`), where the name is in our zones. */
function nameserverClaims(x: RouteClaimContext): Claim[] {
  const out = new Map<string, Claim>();
  for (const z of x.c.zones) {
    if (z.nameserverAddresses.length === 0 || !x.inZones(z.nameserver) || out.has(z.nameserver)) continue;
    const sets = addressSets(z.nameserverAddresses, x.c.ttl, 'nameserver.addresses', x.problems);
    out.set(z.nameserver, {
      name: z.nameserver,
      source: 'nameserver',
      owner: 'nameserver.addresses',
      views: [sets],
    });
  }
  return [...out.values()];
}
