import { isWildcardHostname } from '@horizon/shared';
import { TYPE } from '../wire/constants.ts';
import { nameRdata, reverseName } from '../wire/records.ts';
import { LIMITS, type Problems } from './limits.ts';
import { addRecord } from './record-sets.ts';
import type { Claim, RecordSets } from './types.ts';

/**
 * PTR records for the addresses we answer with: each name served with A or AAAA records (in the
 * default view) gives its addresses' reverse names a PTR to it, where the reverse name is in one
 * of our reverse zones, or the name is a static record with `ptr` (answered wherever it is, as a
 * hosts file's). An address many names share (a Gateway's) names the first
 * {@link LIMITS.recordsPerSet} in order; wildcards have no name to give. These come last: a PTR
 * some object or the config writes at that name is served instead.
 */
export function reverseClaims(
  winners: ReadonlyMap<string, Claim>,
  inZones: (name: string) => boolean,
  staticPtr: ReadonlySet<string>,
  problems: Problems,
): Claim[] {
  const names = new Map<string, { hosts: string[]; ttl: number; fromConfig: boolean }>();
  let skipped = 0;
  for (const claim of winners.values()) {
    if (isWildcardHostname(claim.name)) continue;
    for (const type of [TYPE.A, TYPE.AAAA]) {
      const set = claim.views[0]?.get(type);
      for (const address of set?.text ?? []) {
        const rev = reverseName(address);
        if (!inZones(rev) && !staticPtr.has(claim.name)) continue;
        const config = claim.source === 'static' || claim.source === 'nameserver';
        if (!names.has(rev) && !config && names.size >= LIMITS.names) {
          skipped += 1; // as many as the names themselves: resolveClaims would not serve more
          continue;
        }
        const entry = names.get(rev) ?? { hosts: [], ttl: set?.ttl ?? 0, fromConfig: true };
        entry.hosts.push(claim.name);
        entry.fromConfig &&= config;
        entry.ttl = Math.min(entry.ttl, set?.ttl ?? entry.ttl);
        names.set(rev, entry);
      }
    }
  }
  if (skipped > 0) problems.add('(index)', `${skipped} addresses past ${LIMITS.names} reverse names: no PTR`);
  const claims: Claim[] = [];
  for (const [rev, { hosts, ttl, fromConfig }] of names) {
    const owner = `PTR ${rev}`;
    const list = [...new Set(hosts)].sort();
    if (list.length > LIMITS.recordsPerSet) {
      problems.add(owner, `${list.length} names have this address, the first ${LIMITS.recordsPerSet} served`);
    }
    const sets: RecordSets = new Map();
    for (const host of list.slice(0, LIMITS.recordsPerSet)) {
      addRecord(sets, TYPE.PTR, ttl, { rdata: nameRdata(host), text: host }, owner, problems);
    }
    claims.push({ name: rev, source: 'reverse', owner: '(addresses served)', views: [sets], fromConfig });
  }
  return claims;
}
