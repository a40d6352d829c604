import { RCODE } from '../wire/constants.ts';
import { addressTo, rcodeOf } from '../wire/message.ts';
import type { Query } from '../wire/query.ts';
import { mapTtls } from '../wire/ttl.ts';

/** One cached answer: its bytes, where its TTLs are, and its times (seconds, monotonic). */
export interface Entry {
  message: Buffer;
  ttlOffsets: number[];
  ttls: number[];
  storedAt: number;
  expiresAt: number;
  ttl: number;
  hits: number;
  /** After a failed refresh, stale answers go out at once, without asking again, until then (RFC 8767 §4). */
  recheckAfter: number;
}

/** The TTL rules of {@link entryFor}, from the config. */
export interface TtlRules {
  minTtl: number;
  maxTtl: number;
  servfailTtl: number;
}

/**
 * How long a reply may be cached, and its entry; undefined when it must not be: NOERROR by its
 * smallest TTL, NXDOMAIN and NODATA by min(SOA TTL, MINIMUM) and only with a SOA (RFC 2308 §5),
 * SERVFAIL for servfailTtl (RFC 2308 §7.1), all within [minTtl, maxTtl] but SERVFAIL.
 */
export function entryFor(reply: Buffer, rules: TtlRules, at: number): Entry | undefined {
  const rcode = rcodeOf(reply);
  const map = mapTtls(reply);
  if (!map) return undefined;
  let ttl: number | undefined;
  if (rcode === RCODE.SERVFAIL) ttl = rules.servfailTtl;
  else if (rcode === RCODE.NXDOMAIN || (rcode === RCODE.NOERROR && map.answerCount === 0))
    ttl = map.negativeTtl;
  else if (rcode === RCODE.NOERROR) ttl = map.minTtl;
  if (ttl === undefined) return undefined;
  if (rcode !== RCODE.SERVFAIL) ttl = Math.min(rules.maxTtl, Math.max(rules.minTtl, ttl));
  if (ttl <= 0) return undefined;
  const limit = ttl;
  // An exact-size copy: a small Buffer is a slice of Node's shared 8 KiB pool, and a long-lived
  // cache entry would keep its whole slab alive.
  const message = Buffer.allocUnsafeSlow(reply.length);
  reply.copy(message);
  return {
    message,
    ttlOffsets: map.offsets,
    ttls: map.offsets.map((off) => Math.min(reply.readUInt32BE(off), limit)),
    storedAt: at,
    expiresAt: at + ttl,
    ttl,
    hits: 0,
    recheckAfter: 0,
  };
}

/** A copy of the entry addressed to `q`, its TTLs counted down to `at` (or all set to `ttlOverride`). */
export function serveEntry(e: Entry, q: Query, at: number, ttlOverride?: number): Buffer {
  const out = addressTo(Buffer.from(e.message), q);
  const age = Math.floor(at - e.storedAt);
  for (let i = 0; i < e.ttlOffsets.length; i += 1) {
    out.writeUInt32BE(ttlOverride ?? Math.max(0, (e.ttls[i] ?? 0) - age), e.ttlOffsets[i] ?? 0);
  }
  return out;
}
