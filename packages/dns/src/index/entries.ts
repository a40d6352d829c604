import { isWildcardHostname, wildcardCovers } from '@horizon/shared';
import { TYPE, TYPE_NAME } from '../wire/constants.ts';
import type { Answer } from '../wire/response.ts';
import { answersOf, nodataOf, withApex } from './answers.ts';
import { cnameAnswers, type Resolved } from './cname.ts';
import type { Problems } from './limits.ts';
import { createNameTable, entsOf } from './names.ts';
import { addressesIn } from './record-sets.ts';
import type { Claim, RecordSets, ServedName } from './types.ts';
import type { Zone } from './zone.ts';

export interface EntryOptions {
  zoneOf: (name: string) => Zone | undefined;
  /** The views' names after the default one, for /records. */
  viewNames: readonly string[];
  problems: Problems;
}

/**
 * Each winning claim as the index's entry: its answers' bytes per view and type, built once. A
 * CNAME is chased through our own data (cname.ts). Claims that share their records (the routes
 * of one Gateway) share their answers, so 10,000 names through one Gateway hold one set of bytes.
 */
export function entriesOf(winners: ReadonlyMap<string, Claim>, o: EntryOptions) {
  const table = createNameTable();
  const resolve = resolverOf(winners, o.zoneOf);
  const shared = new Map<RecordSets[], Map<number, Answer>[]>();
  for (const claim of winners.values()) {
    const zone = o.zoneOf(claim.name);
    const served = servedOf(claim, o.viewNames);
    if (claim.views[0]?.has(TYPE.CNAME) && zone?.name === claim.name) {
      o.problems.add(
        claim.owner,
        `${claim.name}: a CNAME at the zone's apex (beside its SOA and NS) is not served`,
      );
      continue;
    }
    if (claim.views[0]?.has(TYPE.CNAME)) {
      const { answers, otherwise } = cnameAnswers(claim, resolve, o.viewNames.length + 1, o.problems);
      table.add({ answers, otherwise, zone, served });
      continue;
    }
    let answers = shared.get(claim.views);
    if (!answers) {
      answers = claim.views.map((sets) => answersOf(sets, zone));
      if (zone?.name !== claim.name) shared.set(claim.views, answers);
    }
    if (zone && zone.name === claim.name) answers = answers.map((a) => withApex(a, zone));
    table.add({ answers, otherwise: nodataOf(zone), zone, served });
  }
  return table;
}

/**
 * What a CNAME's target is in the data being built: the claim serving it (exact, else the longest
 * wildcard covering it), an empty non-terminal, or nothing of ours.
 */
function resolverOf(winners: ReadonlyMap<string, Claim>, zoneOf: (name: string) => Zone | undefined) {
  let ents: Set<string> | undefined; // only built when a CNAME is chased
  return (name: string): Resolved => {
    const exact = winners.get(name);
    if (exact) return { claim: exact, zone: zoneOf(name) };
    for (let dot = name.indexOf('.'); dot >= 0; dot = name.indexOf('.', dot + 1)) {
      const wild = winners.get(`*.${name.slice(dot + 1)}`);
      if (wild && isWildcardHostname(wild.name) && wildcardCovers(wild.name, name)) {
        return { claim: wild, zone: zoneOf(name) };
      }
    }
    const zone = zoneOf(name);
    if (!zone) return 'none';
    ents ??= entsOf(winners.keys(), zoneOf);
    return ents.has(name) ? { ent: zone } : 'none';
  };
}

/** How /records shows a name: who serves it, its addresses per view, its other records as text. */
function servedOf(claim: Claim, viewNames: readonly string[]): ServedName {
  const addresses: Record<string, string[]> = { default: addressesIn(claim.views[0]) };
  viewNames.forEach((name, i) => {
    addresses[name] = addressesIn(claim.views[i + 1] ?? claim.views[0]);
  });
  const records: Record<string, string[]> = {};
  for (const [type, set] of claim.views[0] ?? []) {
    if (type !== TYPE.A && type !== TYPE.AAAA) records[TYPE_NAME[type] ?? String(type)] = set.text;
  }
  return {
    name: claim.name,
    source: claim.source,
    owner: claim.owner,
    ...(claim.gateway === undefined ? {} : { gateway: claim.gateway }),
    ...(claim.routes === undefined ? {} : { routes: claim.routes }),
    addresses,
    ...(Object.keys(records).length > 0 ? { records } : {}),
  };
}
