import { isIP } from 'node:net';
import { keyOf, type Service } from '@horizon/shared';
import { TYPE } from '../wire/constants.ts';
import { parseValue } from '../wire/rdata.ts';
import { hostnamesOf, optedOut, ownerOf, ttlOf } from './annotations.ts';
import { addRecord, addressSets } from './record-sets.ts';
import { type RouteClaimContext, roomFor } from './routes.ts';
import type { Claim, RecordSets } from './types.ts';

/** Cilium LB-IPAM's request for addresses, the current key first (the design's Gateways use both). */
const LB_IPAM = ['lbipam.cilium.io/ips', 'io.cilium/lb-ipam-ips'];

/**
 * Services of type LoadBalancer named by the `hostname` annotation (MQTT, Postgres, an SMTP relay,
 * the Kubernetes API), as external-dns's Service source names them: each name answers with the
 * load balancer's addresses. Services of other types are not reachable from the LAN: no name.
 */
export function serviceClaims(services: readonly Service[], x: RouteClaimContext): Claim[] {
  const claims: Claim[] = [];
  for (const service of [...services].sort((a, b) => keyOf(a).localeCompare(keyOf(b)))) {
    if (!roomFor(x, claims.length)) continue;
    const annotations = service.metadata.annotations;
    if (service.spec?.type !== 'LoadBalancer' || optedOut(annotations) !== undefined) continue;
    const owner = ownerOf('Service', service);
    const names = hostnamesOf(annotations, owner, x.problems);
    if (names.length === 0) continue;
    const ttl = ttlOf(annotations, owner, x.problems) ?? x.c.ttl;
    const sets = loadBalancerSets(service, x.c.fromManifests, ttl, owner, x);
    if (sets.size === 0) {
      x.problems.add(owner, 'no load-balancer address yet: its names are not served');
      continue;
    }
    for (const name of names) {
      if (!x.inZones(name)) x.outside.add(name);
      else claims.push({ name, source: 'service', owner, views: [sets] });
    }
  }
  return claims;
}

/**
 * The load balancer's records. From the API, `status.loadBalancer.ingress`: its IPs as A/AAAA, or,
 * when it has only hostnames (a cloud load balancer), a CNAME to the first. Manifests carry no
 * status: the addresses Cilium LB-IPAM is asked for (its annotation), else `spec.loadBalancerIP`.
 */
function loadBalancerSets(
  service: Service,
  fromManifests: boolean,
  ttl: number,
  owner: string,
  x: RouteClaimContext,
): RecordSets {
  if (fromManifests) {
    const requested = LB_IPAM.map((k) => service.metadata.annotations?.[k]).find((v) => v !== undefined);
    const list = (requested ?? service.spec?.loadBalancerIP ?? '').split(',').map((a) => a.trim());
    return addressSets(
      list.filter((a) => isIP(a) !== 0 && !a.includes('%')),
      ttl,
      owner,
      x.problems,
    );
  }
  const ingress = service.status?.loadBalancer?.ingress ?? [];
  const ips = ingress.map((i) => i.ip ?? '').filter((a) => isIP(a) !== 0 && !a.includes('%'));
  if (ips.length > 0) return addressSets(ips, ttl, owner, x.problems);
  const sets: RecordSets = new Map();
  const hostname = ingress.find((i) => i.hostname)?.hostname;
  const target = hostname === undefined ? undefined : parseValue('CNAME', hostname);
  if (target && 'rdata' in target) addRecord(sets, TYPE.CNAME, ttl, target, owner, x.problems);
  else if (target) x.problems.add(owner, `load balancer hostname: ${target.problem}`);
  return sets;
}
