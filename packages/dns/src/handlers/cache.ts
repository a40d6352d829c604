import { after, type Clock, systemClock } from '@horizon/shared';
import { LRUCache } from 'lru-cache';
import { Counter, Gauge, type Registry } from 'prom-client';
import { RCODE } from '../wire/constants.ts';
import { addressTo, rcodeOf } from '../wire/message.ts';
import type { Query } from '../wire/query.ts';
import type { Reply } from '../wire/response.ts';
import { type Entry, entryFor, serveEntry, type TtlRules } from './cache-entry.ts';
import { type Handler, type Next, passThrough, type Setup } from './types.ts';

/** Options of {@link createCache}; defaults as in the config. */
export interface CacheOptions extends TtlRules {
  /** Entries at most (LRU). */
  size: number;
  /** Bytes of answers at most, all entries together (LRU). Default: no bound but `size`. */
  maxBytes?: number;
  /** How long past expiry an answer may still be served when its refresh fails (RFC 8767). */
  staleSeconds: number;
  /** With an expired answer at hand, reply with it if the refresh has not answered in this long (RFC 8767 §5). */
  staleReplyMs: number;
  /** Refresh an entry asked for at least this often once it has 10% of its TTL left. 0: never. */
  prefetchHits: number;
  /** False for a query no upstream serves: it goes on uncached and uncounted (the chain's end refuses it). Default: all are. */
  forwarded?: (q: Query) => boolean;
  /** True while every upstream that would serve `q` is known down: stale answers go out at once. */
  upstreamsDown?: (q: Query) => boolean;
  clock?: Clock;
  onResult?: (result: 'hit' | 'miss' | 'stale' | 'prefetch') => void;
}

/** What an entry costs beside its message bytes (the key, the entry object, its TTL offsets), roughly. */
const ENTRY_OVERHEAD = 200;
/** TTL of an answer served stale (RFC 8767 §4 recommends 30 s). */
const STALE_TTL = 30;
/** After a failed refresh, do not ask again for this long; answer stale at once (RFC 8767 §4). */
const FAILURE_RECHECK_SECONDS = 30;

/**
 * A cache of forwarded answers as wire bytes. Sits after `authoritative`, so it never holds our
 * own names. A hit copies the bytes, sets the client's ID and question case, and counts the TTLs
 * down; identical misses share one upstream query. An expired answer within `staleSeconds` is
 * refreshed, and served stale (TTL 30) when the refresh fails, has not answered in `staleReplyMs`,
 * failed less than 30 s ago, or every upstream is known down (RFC 8767).
 */
export function createCache(o: CacheOptions): Handler & { entries(): number } {
  const clock = o.clock ?? systemClock;
  const now = () => clock.now() / 1000;
  // Bounded by count and by bytes: answers may be 64 KiB each over TCP or TLS.
  const entries = new LRUCache<string, Entry>({
    max: o.size,
    ...(o.maxBytes
      ? { maxSize: o.maxBytes, sizeCalculation: (e: Entry) => e.message.length + ENTRY_OVERHEAD }
      : {}),
  });
  const inflight = new Map<string, Promise<Reply>>();
  /** What makes two queries the same question to an upstream: name, type, class, CD, DO, and which pool. */
  const cacheKey = (q: Query) =>
    `${q.name}/${q.type}/${q.class}/${q.flags & 0x10 ? 'cd' : ''}/${q.edns?.do ? 'do' : ''}/${q.zoneMiss ? 'zm' : ''}`;
  const usableStale = (e: Entry, t: number) =>
    o.staleSeconds > 0 && rcodeOf(e.message) !== RCODE.SERVFAIL && t < e.expiresAt + o.staleSeconds;
  const stale = (e: Entry, q: Query): Buffer => {
    o.onResult?.('stale');
    return serveEntry(e, q, now(), STALE_TTL);
  };

  /** One upstream query per key at a time; a good reply is stored, a failure never replaces a usable stale entry. */
  const fetch = (key: string, q: Query, next: Next): Promise<Reply> => {
    const running = inflight.get(key);
    if (running) return running.then((r) => (r === null ? null : addressTo(Buffer.from(r), q)));
    const p = Promise.resolve(next(q))
      .then((reply) => {
        if (reply === null) return null;
        const t = now();
        const old = entries.get(key);
        if (rcodeOf(reply) === RCODE.SERVFAIL && old && usableStale(old, t)) {
          old.recheckAfter = t + FAILURE_RECHECK_SECONDS;
          return reply;
        }
        const entry = entryFor(reply, o, t);
        if (entry) entries.set(key, entry);
        return reply;
      })
      .finally(() => inflight.delete(key));
    inflight.set(key, p);
    return p;
  };

  /** An expired entry still usable stale: refresh it, and answer stale if the refresh is not good in time. */
  const refreshOrStale = (key: string, e: Entry, q: Query, next: Next): Reply | Promise<Reply> => {
    if (now() < e.recheckAfter) return stale(e, q);
    if (o.upstreamsDown?.(q)) {
      void fetch(key, { ...q, raw: Buffer.from(q.raw) }, next); // the refresh probes the upstreams
      return stale(e, q);
    }
    return new Promise<Reply>((resolve) => {
      let answered = false;
      const cancel = after(clock, o.staleReplyMs, () => {
        answered = true;
        resolve(stale(e, q));
      });
      fetch(key, q, next).then(
        (reply) => {
          if (answered) return; // too late for this client; the cache has it for the next
          cancel();
          resolve(reply === null || rcodeOf(reply) !== RCODE.SERVFAIL ? reply : stale(e, q));
        },
        () => {
          if (!answered) resolve(stale(e, q));
          cancel();
        },
      );
    });
  };

  const handler: Handler = (q, next) => {
    if (o.forwarded && !o.forwarded(q)) return next(q);
    const key = cacheKey(q);
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
      return serveEntry(e, q, t);
    }
    o.onResult?.('miss');
    if (e && usableStale(e, t)) return refreshOrStale(key, e, q, next);
    return fetch(key, q, next);
  };
  return Object.assign(handler, { entries: () => entries.size });
}

/**
 * The cache of `cache.*`, counted as CoreDNS's cache plugin counts (hits, misses, stale,
 * prefetch). No cache in the chain with `cache.size` 0 or nothing forwarded; a query no upstream
 * serves passes it by, so a REFUSED for want of upstreams is never a cache miss.
 */
export const setupCache: Setup = ({ settings, upstreams, clock, registry }) => {
  const count = cacheMetrics(registry);
  if (settings.cache.size === 0 || !upstreams.forwarding) return passThrough;
  const cache = createCache({
    ...settings.cache,
    forwarded: (q) => upstreams.poolFor(q) !== undefined,
    upstreamsDown: (q) => upstreams.poolFor(q)?.allDown() ?? false,
    clock,
    onResult: (result) => count[result].inc(),
  });
  // Read when /metrics is scraped (or the status page is drawn), never counted per query.
  new Gauge({
    name: 'horizon_dns_cache_entries',
    help: 'Answers held in the cache.',
    registers: [registry],
    collect() {
      this.set(cache.entries());
    },
  });
  return cache;
};

function cacheMetrics(registry: Registry) {
  const registers = [registry];
  return {
    hit: new Counter({ name: 'horizon_dns_cache_hits_total', help: 'Cache hits.', registers }),
    miss: new Counter({ name: 'horizon_dns_cache_misses_total', help: 'Cache misses.', registers }),
    stale: new Counter({
      name: 'horizon_dns_cache_served_stale_total',
      help: 'Expired answers served because every upstream failed (RFC 8767).',
      registers,
    }),
    prefetch: new Counter({
      name: 'horizon_dns_cache_prefetch_total',
      help: 'Popular entries refreshed before they expired.',
      registers,
    }),
  };
}
