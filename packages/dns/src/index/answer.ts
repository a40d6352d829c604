import type { View } from '../settings.ts';
import type { Answer } from '../wire/response.ts';
import { inZone } from './hostnames.ts';
import type { LiveIndex } from './live.ts';
import { isMiss, lookup } from './lookup.ts';

/** Options of {@link createZoneAnswers}. */
export interface ZoneAnswerOptions {
  /** Zones (and reverse zones) we own, known before the index first syncs. */
  zones: readonly string[];
  /** The index (live.ts); its `current()` is undefined until the source has synced. */
  index: Pick<LiveIndex, 'current'>;
  /** The views after the default one, in config order: the first that matches a client is its view. */
  views: readonly Pick<View, 'matches'>[];
  /** A zone name with no route: forward it (to the zone-miss upstreams), NXDOMAIN, or the miss gateway's address. */
  zoneMiss: 'forward' | 'nxdomain' | 'gateway';
  /** In mode `forward`: whether a miss of this name has somewhere to go (upstreams.ts); else NXDOMAIN. */
  forwardsMiss?: (name: string) => boolean;
}

/**
 * What our zones say about a name for one client: an Answer (records, NODATA or NXDOMAIN with the
 * SOA), `outside` (not ours), `unsynced` (ours, but the index has not synced: never a false
 * NXDOMAIN), or `forward` (ours with nothing, and the zone-miss policy is to ask public DNS).
 * The one home of these rules, for the authoritative handler and for CNAMEs chased into our zones.
 */
export type ZoneVerdict = Answer | 'outside' | 'unsynced' | 'forward';

/** Our zones, as the handlers ask about them. */
export interface ZoneAnswers {
  /** What our zones answer `name`/`type` for the client at `address`. */
  answer: (name: string, type: number, address: string) => ZoneVerdict;
  /** True for a name in one of our zones (or reverse zones). */
  ours: (name: string) => boolean;
}

export function createZoneAnswers(o: ZoneAnswerOptions): ZoneAnswers {
  const zones = [...o.zones].sort((a, b) => b.length - a.length);
  const ours = (name: string) => zones.some((z) => inZone(name, z));
  const views = o.views.map((v) => v.matches);
  const viewOf = (address: string): number => {
    for (let i = 0; i < views.length; i += 1) if (views[i]?.(address)) return i + 1;
    return 0;
  };
  const answer = (name: string, type: number, address: string): ZoneVerdict => {
    const index = o.index.current();
    if (!index) return ours(name) ? 'unsynced' : 'outside';
    const view = views.length === 0 ? 0 : viewOf(address);
    const result = lookup(index, name, type, view);
    if (result === undefined) return 'outside';
    if (!isMiss(result)) return result;
    if (o.zoneMiss === 'nxdomain') return result.miss.nxdomain;
    if (o.zoneMiss === 'gateway') {
      const answers = index.missAnswers.get(result.miss);
      if (answers === undefined) return result.miss.nxdomain; // a reverse zone (build.ts)
      return (answers[view] ?? answers[0])?.get(type) ?? result.miss.nodata;
    }
    if (o.forwardsMiss && !o.forwardsMiss(name)) return result.miss.nxdomain;
    return 'forward';
  };
  return { answer, ours };
}
