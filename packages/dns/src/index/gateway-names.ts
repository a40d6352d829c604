import { type Gateway, keyOf } from '@horizon/shared';
import { hostnamesOf, optedOut, ownerOf, ttlOf } from './annotations.ts';
import { addressSets } from './record-sets.ts';
import { type RouteClaimContext, roomFor } from './routes.ts';
import type { Claim } from './types.ts';

/**
 * The Gateway's own name (`internal.${SECRET_DOMAIN}`, the design's manual router record): the
 * `hostname` annotation on the Gateway, in `metadata.annotations` or in
 * `spec.infrastructure.annotations` (which Envoy Gateway copies onto the Service it creates, where
 * external-dns's Service source found it), answered with the Gateway's address in each view, as
 * its routes are. Only the Gateways Horizon serves (`gateways`): the external Gateway's own name
 * (`external.${SECRET_DOMAIN}`) belongs to the public side, which answers it with the tunnel.
 */
export function gatewayNameClaims(gateways: readonly Gateway[], x: RouteClaimContext): Claim[] {
  const claims: Claim[] = [];
  const selected = new Set(x.c.gateways.map((g) => g.ref));
  for (const gateway of [...gateways].sort((a, b) => keyOf(a).localeCompare(keyOf(b)))) {
    if (!roomFor(x, claims.length)) continue;
    if (!selected.has(keyOf(gateway))) continue;
    const annotations = { ...gateway.spec?.infrastructure?.annotations, ...gateway.metadata.annotations };
    if (optedOut(annotations) !== undefined) continue;
    const owner = ownerOf('Gateway', gateway);
    const names = hostnamesOf(annotations, owner, x.problems);
    if (names.length === 0) continue;
    const ttl = ttlOf(annotations, owner, x.problems) ?? x.c.ttl;
    const ref = keyOf(gateway);
    const views = Array.from({ length: x.c.views.length + 1 }, (_, v) =>
      addressSets(x.addresses(ref, v), ttl, owner, x.problems),
    );
    if (views[0]?.size === 0) x.problems.add(owner, 'no address yet: its own name is not served');
    for (const name of names) {
      if (!x.inZones(name)) x.outside.add(name);
      else if (views[0]?.size !== 0) claims.push({ name, source: 'gateway', owner, gateway: ref, views });
    }
  }
  return claims;
}
