import type { StaticRecord } from '../static-records.ts';
import type { Problems } from './limits.ts';
import { addRecord } from './record-sets.ts';
import type { Claim, RecordSets } from './types.ts';

/**
 * The config's static records (the design's `stanton-0N.internal` node records): one claim per
 * name, its entries' types together, in any zone or none. A name outside every zone is answered as
 * a hosts file answers it (that name only; the rest of its domain is forwarded). They come after
 * every object in precedence: a static record is for a name no object carries.
 */
export function staticClaims(
  statics: readonly StaticRecord[],
  defaultTtl: number,
  problems: Problems,
): Claim[] {
  const byName = new Map<string, { sets: RecordSets; owner: string }>();
  for (const r of statics) {
    const claim = byName.get(r.name) ?? { sets: new Map(), owner: r.key };
    byName.set(r.name, claim);
    for (const value of r.values) {
      addRecord(claim.sets, value.type, r.ttl || defaultTtl, value, r.key, problems);
    }
  }
  return [...byName].map(([name, { sets, owner }]) => ({ name, source: 'static', owner, views: [sets] }));
}

/** The static names whose A and AAAA values get PTR records (`ptr`, true by default). */
export const staticPtrNames = (statics: readonly StaticRecord[]): Set<string> =>
  new Set(statics.filter((r) => r.ptr && (r.type === 'A' || r.type === 'AAAA')).map((r) => r.name));
