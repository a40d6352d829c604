import { type DNSEndpoint, keyOf } from '@horizon/shared';
import { TYPE } from '../wire/constants.ts';
import { normalName } from '../wire/name.ts';
import { isRecordType, parseValue } from '../wire/rdata.ts';
import { isOwnerName, optedOut, ownerOf } from './annotations.ts';
import { LIMITS, type Problems } from './limits.ts';
import { addRecord } from './record-sets.ts';
import { type RouteClaimContext, roomFor } from './routes.ts';
import type { Claim, RecordSets } from './types.ts';

type Endpoint = NonNullable<DNSEndpoint['spec']['endpoints']>[number];

/**
 * external-dns's DNSEndpoint (`externaldns.k8s.io/v1alpha1`): each endpoint's `dnsName`,
 * `recordType` (A, AAAA, CNAME, TXT, MX, SRV, PTR), `targets` and `recordTTL`. The endpoints of
 * one object naming one name make one claim, its types together; `setIdentifier`, `labels` and
 * `providerSpecific` are for other providers and not read. What cannot be served (another type, a
 * bad target, a CNAME beside other data) is a problem naming the endpoint, and the rest is served.
 */
export function dnsEndpointClaims(endpoints: readonly DNSEndpoint[], x: RouteClaimContext): Claim[] {
  const claims: Claim[] = [];
  for (const object of [...endpoints].sort((a, b) => keyOf(a).localeCompare(keyOf(b)))) {
    if (!roomFor(x, claims.length)) continue;
    if (optedOut(object.metadata.annotations) !== undefined) continue;
    const owner = ownerOf('DNSEndpoint', object);
    const list = Array.isArray(object.spec?.endpoints) ? object.spec.endpoints : [];
    if (list.length > LIMITS.endpointsPerObject) {
      x.problems.add(owner, `${list.length} endpoints, the first ${LIMITS.endpointsPerObject} served`);
    }
    const byName = new Map<string, RecordSets>();
    for (const endpoint of list.slice(0, LIMITS.endpointsPerObject)) {
      const name = endpointName(endpoint, owner, x.problems);
      if (name === undefined) continue;
      if (!x.inZones(name)) {
        x.outside.add(name);
        continue;
      }
      const sets = byName.get(name) ?? new Map();
      byName.set(name, sets);
      addEndpoint(sets, endpoint, x.c.ttl, `${owner} ${name}`, x.problems);
    }
    for (const [name, sets] of byName) {
      if (sets.has(TYPE.CNAME) && sets.size > 1) {
        sets.delete(TYPE.CNAME); // RFC 1034 §3.6.2: a CNAME stands alone
        x.problems.add(`${owner} ${name}`, 'CNAME beside other records: the CNAME is not served');
      }
      if (sets.size > 0) claims.push({ name, source: 'dnsendpoint', owner, views: [sets] });
    }
  }
  return claims;
}

function endpointName(endpoint: Endpoint, owner: string, problems: Problems): string | undefined {
  const text = typeof endpoint?.dnsName === 'string' ? endpoint.dnsName : '';
  const name = normalName(text.trim());
  if (isOwnerName(name)) return name;
  problems.add(owner, `dnsName "${text.slice(0, 80)}" is not a DNS name`);
  return undefined;
}

/** One endpoint's targets into the name's RRsets. */
function addEndpoint(
  sets: RecordSets,
  endpoint: Endpoint,
  ttl: number,
  owner: string,
  problems: Problems,
): void {
  const type = endpoint.recordType ?? 'A';
  if (!isRecordType(type)) {
    problems.add(
      owner,
      `recordType ${String(type).slice(0, 20)} is not served (A, AAAA, CNAME, TXT, MX, SRV, PTR)`,
    );
    return;
  }
  const targets = Array.isArray(endpoint.targets)
    ? endpoint.targets.filter((t) => typeof t === 'string')
    : [];
  if (type === 'CNAME' && targets.length > 1) {
    problems.add(owner, `CNAME with ${targets.length} targets: a name has one CNAME, not served`);
    return;
  }
  const recordTtl = endpoint.recordTTL;
  const own = typeof recordTtl === 'number' && Number.isInteger(recordTtl) && recordTtl > 0 ? recordTtl : ttl;
  for (const target of targets.slice(0, LIMITS.recordsPerSet + 1)) {
    const value = parseValue(type, target);
    if ('problem' in value) problems.add(owner, value.problem);
    else addRecord(sets, value.type, Math.min(own, 0x7fffffff), value, owner, problems);
  }
}
