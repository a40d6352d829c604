import { randomBytes } from 'node:crypto';
import type { Logger } from '@horizon/shared';
import type { UpstreamPool } from '../upstream/pool.ts';
import { RCODE } from '../wire/constants.ts';
import { relay, upstreamQuery } from '../wire/message.ts';
import type { Query } from '../wire/query.ts';
import { errorMessage } from '../wire/response.ts';
import type { Handler } from './types.ts';

/** Options of {@link createForward}. */
export interface ForwardOptions {
  /** Names outside our zones. Undefined: not forwarded (the chain's end refuses them). */
  general: UpstreamPool | undefined;
  /** Zone names with no route, when the zone-miss policy is to forward. */
  zoneMiss: UpstreamPool | undefined;
  /** Forwards in flight at most; past it, SERVFAIL at once rather than an unbounded queue. */
  maxInFlight: number;
  logger: Logger;
  onOverload?: () => void;
  onLoop?: () => void;
}

/**
 * Sends the query upstream and relays the reply (client ID, client question case, no upstream OPT).
 * Every failure is SERVFAIL here; the cache in front may still serve a stale answer.
 *
 * Loop detection: each zone-miss query leaves with a random 0x20 case pattern on its name. If that
 * exact spelling arrives here as a zone miss while ours is in flight, an upstream has forwarded our
 * own query back (the zone-miss resolver sends the zone to the router, which sends it to us).
 */
export function createForward(o: ForwardOptions): Handler {
  let inFlight = 0;
  const ours = new Map<string, number>();
  let loopLogged = false;

  const forward = async (q: Query, pool: UpstreamPool): Promise<Buffer> => {
    const query = upstreamQuery(q, 0);
    let mark: string | undefined;
    if (q.zoneMiss) {
      mark = randomiseCase(query, q.questionEnd - 4);
      ours.set(mark, (ours.get(mark) ?? 0) + 1);
    }
    inFlight += 1;
    try {
      const reply = await pool.exchange(query);
      return relay(reply, q) ?? errorMessage(q, RCODE.SERVFAIL);
    } catch {
      return errorMessage(q, RCODE.SERVFAIL);
    } finally {
      inFlight -= 1;
      if (mark !== undefined) {
        const left = (ours.get(mark) ?? 1) - 1;
        if (left === 0) ours.delete(mark);
        else ours.set(mark, left);
      }
    }
  };

  return (q, next) => {
    const pool = q.zoneMiss ? o.zoneMiss : o.general;
    if (!pool) return next(q);
    if (q.zoneMiss && ours.size > 0 && ours.has(q.raw.toString('latin1', 12, q.questionEnd - 4))) {
      o.onLoop?.();
      if (!loopLogged) {
        loopLogged = true;
        o.logger.error(
          { name: q.name, from: q.client.address },
          'forwarding loop: our zone-miss query came back to us; check that the zone-miss upstreams do not send the zone to the router',
        );
      }
      return errorMessage(q, RCODE.SERVFAIL);
    }
    if (inFlight >= o.maxInFlight) {
      o.onOverload?.();
      return errorMessage(q, RCODE.SERVFAIL);
    }
    return forward(q, pool);
  };
}

/** Flips the case of the name's letters at random, in place; returns the name as sent. */
function randomiseCase(query: Buffer, nameEnd: number): string {
  const bits = randomBytes(32);
  for (let i = 13, b = 0; i < nameEnd; i += 1, b += 1) {
    const c = query[i] ?? 0;
    const lower = c | 0x20;
    if (lower >= 0x61 && lower <= 0x7a) query[i] = ((bits[b % 32] ?? 0) & 1) === 1 ? lower & ~0x20 : lower;
  }
  return query.toString('latin1', 12, nameEnd);
}
