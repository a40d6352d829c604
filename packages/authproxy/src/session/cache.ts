import { LRUCache } from 'lru-cache';
import { expired, type Lifetimes, type Session, type SessionStore } from './types.ts';

export interface SessionCacheOptions extends Lifetimes {
  size: number;
  /** How long a read session is trusted without asking the store again. */
  ttlSeconds: number;
}

/**
 * Verified sessions by cookie value, so the check of a request with a known cookie is a map
 * lookup: no AES, no JSON, no Redis. Lifetimes are still checked on every hit.
 */
export function cacheSessions(store: SessionStore, options: SessionCacheOptions): SessionStore {
  const cache = new LRUCache<string, Session>({ max: options.size, ttl: options.ttlSeconds * 1000 });
  return {
    ...store,
    async read(cookieValue, now) {
      const hit = cache.get(cookieValue);
      if (hit) {
        if (!expired(hit, options, now)) return hit;
        cache.delete(cookieValue);
        return undefined;
      }
      const session = await store.read(cookieValue, now);
      if (session && options.ttlSeconds > 0) cache.set(cookieValue, session);
      return session;
    },
    async revoke(session) {
      for (const [value, cached] of cache.entries()) if (cached.sid === session.sid) cache.delete(value);
      await store.revoke(session);
    },
  };
}
