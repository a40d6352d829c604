import { randomBytes } from 'node:crypto';
import type { Logger } from '@horizon/shared';
import { Counter } from 'prom-client';
import type { UpstreamPool } from '../upstream/pool.ts';
import { RCODE } from '../wire/constants.ts';
import { type Query, skipName } from '../wire/query.ts';
import { errorMessage } from '../wire/response.ts';
import type { Handler, Setup } from './types.ts';

/**
 * Run-time detection of a forwarding loop: every zone-miss query leaves with a random 0x20 case
 * pattern on its name, remembered while it is in flight. If that exact spelling arrives here as a
 * zone miss, an upstream has sent our own query back (the zone-miss resolver forwards the zone to
 * the router, which forwards it to us).
 */
export interface LoopGuard {
  /** `pool`, with every query that leaves through it marked, and forgotten once it settles. */
  wrap(pool: UpstreamPool): UpstreamPool;
  /** True when `q` is one of our marked queries, come back while ours is in flight. */
  cameBack(q: Query): boolean;
}

export function createLoopGuard(): LoopGuard {
  const inFlight = new Map<string, number>(); // marked spelling -> queries in flight with it
  const mark = (query: Buffer): (() => void) => {
    const nameEnd = skipName(query, 12);
    const bits = randomBytes(32);
    for (let i = 13, b = 0; i < nameEnd; i += 1, b += 1) {
      const lower = (query[i] ?? 0) | 0x20;
      if (lower >= 0x61 && lower <= 0x7a) query[i] = ((bits[b % 32] ?? 0) & 1) === 1 ? lower & ~0x20 : lower;
    }
    const spelling = query.toString('latin1', 12, nameEnd);
    inFlight.set(spelling, (inFlight.get(spelling) ?? 0) + 1);
    return () => {
      const left = (inFlight.get(spelling) ?? 1) - 1;
      if (left === 0) inFlight.delete(spelling);
      else inFlight.set(spelling, left);
    };
  };
  return {
    wrap: (pool) => ({
      ...pool,
      async exchange(query) {
        const marked = Buffer.from(query);
        const release = mark(marked);
        try {
          return await pool.exchange(marked);
        } finally {
          release();
        }
      },
    }),
    cameBack: (q) =>
      q.zoneMiss === true &&
      inFlight.size > 0 &&
      inFlight.has(q.raw.toString('latin1', 12, q.questionEnd - 4)),
  };
}

/** Options of {@link createLoop}. */
export interface LoopOptions {
  guard: Pick<LoopGuard, 'cameBack'>;
  logger: Logger;
  onLoop?: () => void;
}

/**
 * Answers SERVFAIL to our own zone-miss query come back to us, and says so once. It sits before
 * the cache: there, the looped query would only wait on our own in-flight miss.
 */
export function createLoop(o: LoopOptions): Handler {
  let logged = false;
  return (q, next) => {
    if (!o.guard.cameBack(q)) return next(q);
    o.onLoop?.();
    if (!logged) {
      logged = true;
      o.logger.error(
        { name: q.name, from: q.client.address },
        'forwarding loop: our zone-miss query came back to us; the zone-miss upstreams must not send the zone to the router',
      );
    }
    return errorMessage(q, RCODE.SERVFAIL);
  };
}

/** The loop handler on the service's loop guard, counted in horizon_dns_forward_loops_total. */
export const setupLoop: Setup = ({ loops, registry, logger }) => {
  const counter = new Counter({
    name: 'horizon_dns_forward_loops_total',
    help: 'Zone-miss queries of ours that came back to us (a forwarding loop).',
    registers: [registry],
  });
  return createLoop({
    guard: loops,
    logger: logger.child({ component: 'loop' }),
    onLoop: () => counter.inc(),
  });
};
