import { LRUCache } from 'lru-cache';
import { RCODE } from '../wire/constants.ts';
import { addressTo, rcodeOf } from '../wire/message.ts';
import type { Query } from '../wire/query.ts';
import { mapTtls } from '../wire/ttl.ts';
import type { Handler, Next, Reply } from './types.ts';

/** Options of {@link createCache}; defaults as in the config. */
export interface CacheOptions {
  /** Entries at most (LRU). */
  size: number;
  minTtl: number;
  maxTtl: number;
  /** SERVFAIL is cached this long at most (RFC 2308 §7.1 allows up to 5 minutes; we keep it short). */
  servfailTtl: number;
  /** How long past expiry an answer may still be served when every upstream fails (RFC 8767). */
  staleSeconds: number;
  /** Refresh an entry asked for at least this often once it has 10% of its TTL left. 0: never. */
  prefetchHits: number;
  /** Seconds, monotonic. */
  now?: () => number;
  onResult?: (result: 'hit' | 'miss' | 'stale' | 'prefetch') => void;
}

interface Entry {
  message: Buffer;
  ttlOffsets: number[];
  ttls: number[];
  storedAt: number;
  expiresAt: number;
  ttl: number;
  hits: number;
}

/** TTL of an answer served stale (RFC 8767 §4 recommends 30 s). */
const STALE_TTL = 30;

/**
 * A cache of forwarded answers as wire bytes. Sits after `authoritative`, so it never holds our
 * own names. A hit copies the bytes, sets the client's ID and question case, and counts the TTLs
 * down; identical misses share one upstream query.
 */
export function createCache(o: CacheOptions): Handler {
  const now = o.now ?? (() => performance.now() / 1000);
  const entries = new LRUCache<string, Entry>({ max: o.size });
  const inflight = new Map<string, Promise<Reply>>();
  const keyOf = (q: Query) =>
    `${q.name}/${q.type}/${q.class}/${q.flags & 0x10 ? 'cd' : ''}/${q.edns?.do ? 'do' : ''}/${q.zoneMiss ? 'zm' : ''}`;

  const serve = (e: Entry, q: Query, ttlOverride?: number): Buffer => {
    const out = addressTo(Buffer.from(e.message), q);
    const age = Math.floor(now() - e.storedAt);
    for (let i = 0; i < e.ttlOffsets.length; i += 1) {
      out.writeUInt32BE(ttlOverride ?? Math.max(0, (e.ttls[i] ?? 0) - age), e.ttlOffsets[i] ?? 0);
    }
    return out;
  };

  const store = (key: string, reply: Buffer): void => {
    const rcode = rcodeOf(reply);
    const map = mapTtls(reply);
    if (!map) return;
    let ttl: number | undefined;
    if (rcode === RCODE.SERVFAIL) ttl = o.servfailTtl;
    else if (rcode === RCODE.NXDOMAIN || (rcode === RCODE.NOERROR && map.answerCount === 0))
      ttl = map.negativeTtl; // no SOA: not cached (RFC 2308 §5)
    else if (rcode === RCODE.NOERROR) ttl = map.minTtl;
    if (ttl === undefined) return;
    if (rcode !== RCODE.SERVFAIL) ttl = Math.min(o.maxTtl, Math.max(o.minTtl, ttl));
    if (ttl <= 0) return;
    const at = now();
    const ttls = map.offsets.map((off) => Math.min(reply.readUInt32BE(off), ttl));
    // An exact-size copy: a small Buffer is a slice of Node's shared 8 KiB pool, and a long-lived
    // cache entry would keep its whole slab alive.
    const message = Buffer.allocUnsafeSlow(reply.length);
    reply.copy(message);
    entries.set(key, {
      message,
      ttlOffsets: map.offsets,
      ttls,
      storedAt: at,
      expiresAt: at + ttl,
      ttl,
      hits: 0,
    });
  };

  /** One upstream query per key at a time; the result is stored, or a stale answer served. */
  const fetch = (key: string, q: Query, next: Next): Promise<Reply> => {
    const running = inflight.get(key);
    if (running) return running.then((r) => (r === null ? null : addressTo(Buffer.from(r), q)));
    const p = Promise.resolve(next(q))
      .then((reply) => {
        if (reply === null) return null;
        if (rcodeOf(reply) === RCODE.SERVFAIL) {
          const stale = entries.get(key);
          if (
            stale &&
            rcodeOf(stale.message) !== RCODE.SERVFAIL &&
            now() < stale.expiresAt + o.staleSeconds
          ) {
            o.onResult?.('stale');
            return serve(stale, q, STALE_TTL);
          }
        }
        store(key, reply);
        return reply;
      })
      .finally(() => inflight.delete(key));
    inflight.set(key, p);
    return p;
  };

  return (q, next) => {
    const key = keyOf(q);
    const e = entries.get(key);
    const t = now();
    if (e && t < e.expiresAt) {
      e.hits += 1;
      o.onResult?.('hit');
      if (
        o.prefetchHits > 0 &&
        e.hits >= o.prefetchHits &&
        e.expiresAt - t < e.ttl / 10 &&
        !inflight.has(key)
      ) {
        o.onResult?.('prefetch');
        e.hits = 0;
        void fetch(key, { ...q, raw: Buffer.from(q.raw) }, next);
      }
      return serve(e, q);
    }
    o.onResult?.('miss');
    return fetch(key, q, next);
  };
}
