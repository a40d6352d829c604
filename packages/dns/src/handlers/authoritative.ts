import type { IndexData } from '../index/build.ts';
import { inZone } from '../index/hostnames.ts';
import { isMiss, lookup } from '../index/lookup.ts';
import { CLASS_IN, RCODE, TYPE } from '../wire/constants.ts';
import { answerMessage, errorMessage } from '../wire/response.ts';
import { cidrMatcher } from './acl.ts';
import type { Handler } from './types.ts';

/** Options of {@link createAuthoritative}. */
export interface AuthoritativeOptions {
  /** Zones (and reverse zones) we own, known before the index first syncs. */
  zones: readonly string[];
  /** The current index; undefined until the source has synced. */
  index: () => IndexData | undefined;
  /** Client ranges of the views after the default one, in config order. */
  views: readonly { cidrs: readonly string[] }[];
  /** A zone name with no route: forward it (to the zone-miss upstreams), NXDOMAIN, or the miss gateway's address. */
  zoneMiss: 'forward' | 'nxdomain' | 'gateway';
}

/**
 * Answers names inside our zones, completely: records, NODATA or NXDOMAIN with the SOA. Never
 * passes a question about one of our names upstream (a public AAAA or HTTPS record would leak past
 * the split horizon), except a zone miss when the policy says forward. Before the index has
 * synced, zone names get SERVFAIL: never a false NXDOMAIN.
 */
export function createAuthoritative(o: AuthoritativeOptions): Handler {
  const zones = [...o.zones].sort((a, b) => b.length - a.length);
  const views = o.views.map((v) => cidrMatcher(v.cidrs));
  const viewOf = (address: string): number => {
    for (let i = 0; i < views.length; i += 1) if (views[i]?.(address)) return i + 1;
    return 0;
  };
  return (q, next) => {
    const index = o.index();
    if (!index) {
      return zones.some((z) => inZone(q.name, z)) ? errorMessage(q, RCODE.SERVFAIL) : next(q);
    }
    if (q.class !== CLASS_IN) return next(q);
    if (q.type === TYPE.AXFR) return errorMessage(q, RCODE.REFUSED); // no zone transfers
    const view = views.length === 0 ? 0 : viewOf(q.client.address);
    const result = lookup(index, q.name, q.type, view);
    if (result === undefined) return next(q);
    if (!isMiss(result)) return answerMessage(q, result);
    if (o.zoneMiss === 'nxdomain') return answerMessage(q, result.miss.nxdomain);
    if (o.zoneMiss === 'gateway') {
      const answers = index.missAnswers.get(result.miss);
      return answerMessage(q, (answers?.[view] ?? answers?.[0])?.get(q.type) ?? result.miss.nodata);
    }
    q.zoneMiss = true;
    return next(q);
  };
}
