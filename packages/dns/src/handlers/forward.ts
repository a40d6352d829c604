import { Counter } from 'prom-client';
import type { UpstreamPool } from '../upstream/pool.ts';
import { RCODE } from '../wire/constants.ts';
import { upstreamQuery } from '../wire/message.ts';
import type { Query } from '../wire/query.ts';
import { relay } from '../wire/relay.ts';
import { errorMessage } from '../wire/response.ts';
import type { Handler, Setup } from './types.ts';

/** Options of {@link createForward}. */
export interface ForwardOptions {
  /** The pool a query leaves through (upstreams.ts); undefined: not forwarded (the chain's end refuses it). */
  poolFor: (q: Query) => UpstreamPool | undefined;
  /** Forwards in flight at most; past it, SERVFAIL at once rather than an unbounded queue. */
  maxInFlight: number;
  /** True for a name in our zones: such records are dropped from upstream answers (relay.ts). */
  ours: (name: string) => boolean;
  onOverload?: () => void;
}

/**
 * Sends the query upstream and relays the reply (relay.ts: client ID and question case, no upstream
 * OPT, no records owned by our zones). Every failure is SERVFAIL here; the cache in front may still
 * serve a stale answer.
 */
export function createForward(o: ForwardOptions): Handler {
  let inFlight = 0;
  const forward = async (q: Query, pool: UpstreamPool): Promise<Buffer> => {
    inFlight += 1;
    try {
      const reply = await pool.exchange(upstreamQuery(q, 0));
      return relay(reply, q, o.ours) ?? errorMessage(q, RCODE.SERVFAIL);
    } catch {
      return errorMessage(q, RCODE.SERVFAIL);
    } finally {
      inFlight -= 1;
    }
  };

  return (q, next) => {
    const pool = o.poolFor(q);
    if (!pool) return next(q);
    if (inFlight >= o.maxInFlight) {
      o.onOverload?.();
      return errorMessage(q, RCODE.SERVFAIL);
    }
    return forward(q, pool);
  };
}

/** Forwarding through the service's upstreams, overloads counted in horizon_dns_forward_overload_total. */
export const setupForward: Setup = ({ settings, upstreams, zones, registry }) => {
  const overload = new Counter({
    name: 'horizon_dns_forward_overload_total',
    help: 'Forwards refused with SERVFAIL because too many were in flight.',
    registers: [registry],
  });
  return createForward({
    poolFor: upstreams.poolFor,
    maxInFlight: settings.forward.maxInFlight,
    ours: zones.ours,
    onOverload: () => overload.inc(),
  });
};
