import { randomBytes } from 'node:crypto';
import type { Logger } from '@horizon/shared';
import { RCODE } from '../wire/constants.ts';
import type { Query } from '../wire/query.ts';
import { errorMessage } from '../wire/response.ts';
import type { Handler } from './types.ts';

/**
 * Run-time detection of a forwarding loop: each zone-miss query leaves with a random 0x20 case
 * pattern on its name (`mark`). If that exact spelling arrives here while ours is in flight, an
 * upstream has sent our own query back (the zone-miss resolver forwards the zone to the router,
 * which forwards it to us). It sits before the cache: there, the looped query would only wait on
 * our own in-flight miss.
 */
export interface LoopGuard {
  handler: Handler;
  /** Randomises the case of the name in an outgoing query (in place); call release() when done. */
  mark(query: Buffer, nameEnd: number): () => void;
}

export function createLoopGuard(o: { logger: Logger; onLoop?: () => void }): LoopGuard {
  const ours = new Map<string, number>();
  let logged = false;
  return {
    handler: (q: Query, next) => {
      if (!q.zoneMiss || ours.size === 0 || !ours.has(q.raw.toString('latin1', 12, q.questionEnd - 4)))
        return next(q);
      o.onLoop?.();
      if (!logged) {
        logged = true;
        o.logger.error(
          { name: q.name, from: q.client.address },
          'forwarding loop: our zone-miss query came back to us; the zone-miss upstreams must not send the zone to the router',
        );
      }
      return errorMessage(q, RCODE.SERVFAIL);
    },
    mark(query, nameEnd) {
      const bits = randomBytes(32);
      for (let i = 13, b = 0; i < nameEnd; i += 1, b += 1) {
        const lower = (query[i] ?? 0) | 0x20;
        if (lower >= 0x61 && lower <= 0x7a)
          query[i] = ((bits[b % 32] ?? 0) & 1) === 1 ? lower & ~0x20 : lower;
      }
      const spelling = query.toString('latin1', 12, nameEnd);
      ours.set(spelling, (ours.get(spelling) ?? 0) + 1);
      return () => {
        const left = (ours.get(spelling) ?? 1) - 1;
        if (left === 0) ours.delete(spelling);
        else ours.set(spelling, left);
      };
    },
  };
}
