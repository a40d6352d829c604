import { LIMITS } from './limits.ts';
import { sameRecords } from './record-sets.ts';
import { type Claim, type Conflict, SOURCES, type SourceKind } from './types.ts';

/** Sources the config writes: never crowded out by the cluster's objects. */
const FROM_CONFIG: ReadonlySet<SourceKind> = new Set(['static', 'nameserver']);
const RANK = new Map(SOURCES.map((s, i) => [s, i]));
const rankOf = (c: Claim) => RANK.get(c.source) ?? SOURCES.length;

/**
 * One owner per name, by the one precedence (types.ts `SOURCES`): route, the Gateway's own name,
 * the nameserver's address, Service, DNSEndpoint, static record, then the PTRs made. Between claims of one source the
 * first given wins: the builders give them in a fixed order (Gateway priority for routes, then
 * `namespace/name`), so the same objects always give the same answers. A name belongs to one
 * owner whole: a loser's other record types are not merged in (two objects would otherwise each
 * own half a name). Every loser is a conflict, with who won and why. Claims resolved `into` an
 * earlier resolution lose to its winners whatever their source (they were made from them). Past
 * {@link LIMITS.names} names from the cluster's objects, new ones are counted, not served (the
 * sort puts routes first); the config's own (static records, the nameserver) always are.
 */
export function resolveClaims(
  claims: readonly Claim[],
  into: Resolution = { winners: new Map(), conflicts: [], unserved: 0, fromCluster: 0 },
): Resolution {
  const { winners, conflicts } = into;
  const sorted = claims.map((c, i) => ({ c, i })).sort((a, b) => rankOf(a.c) - rankOf(b.c) || a.i - b.i);
  for (const { c } of sorted) {
    const winner = winners.get(c.name);
    if (!winner) {
      const config = FROM_CONFIG.has(c.source) || c.fromConfig === true; // bounded by the config itself
      if (!config && into.fromCluster >= LIMITS.names) {
        into.unserved += 1; // LIMITS.names: full, in precedence order
        continue;
      }
      winners.set(c.name, c);
      if (!config) into.fromCluster += 1;
      continue;
    }
    if (conflicts.length >= LIMITS.reportsKept) continue;
    conflicts.push({
      name: c.name,
      source: c.source,
      owner: c.owner,
      winner: { source: winner.source, owner: winner.owner },
      reason:
        winner.source === c.source
          ? `${winner.owner} claimed it first (${c.source === 'route' ? 'Gateway priority, then ' : ''}namespace/name order)`
          : `a ${winner.source} serves it (${SOURCES.join(' > ')})`,
      same: sameRecords(winner.views[0], c.views[0]),
    });
  }
  return into;
}

/** Who serves each name, and who lost. A later round (the reverse names) is resolved into it. */
export interface Resolution {
  winners: Map<string, Claim>;
  conflicts: Conflict[];
  /** Names from the cluster's objects served, at most {@link LIMITS.names}. */
  fromCluster: number;
  /** Names not served because the index holds {@link LIMITS.names} from the cluster already. */
  unserved: number;
}
