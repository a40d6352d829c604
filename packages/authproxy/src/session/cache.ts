import { createRecent } from './recent.ts';
import { expired, type Lifetimes, type Session, type SessionStore } from './types.ts';

export interface SessionCacheOptions extends Lifetimes {
  size: number;
  /** How long a read session is trusted without asking the store again. */
  ttlSeconds: number;
}

interface Entry {
  /** The whole cookie value: the map key is only its tail (tailOf). */
  value: string;
  session: Session;
  /** Seconds since the epoch after which the store is asked again. */
  until: number;
}

/**
 * Verified sessions by cookie value, so the check of a request with a known cookie is a map
 * lookup: no AES, no JSON, no Redis, no promise. Lifetimes are still checked on every hit. The
 * trust window is kept here in the check's own clock (seconds), read once per check.
 */
export function cacheSessions(store: SessionStore, options: SessionCacheOptions): SessionStore {
  const cache = createRecent<string, Entry>(options.size);
  return {
    ...store,
    read(cookieValue, now) {
      const key = tailOf(cookieValue);
      const hit = cache.get(key);
      if (hit && hit.value === cookieValue) {
        if (now < hit.until && !expired(hit.session, options, now)) return hit.session;
        cache.delete(key);
        if (now < hit.until) return undefined;
      }
      const remember = (session: Session | undefined) => {
        if (session && options.ttlSeconds > 0)
          cache.set(key, { value: cookieValue, session, until: now + options.ttlSeconds });
        return session;
      };
      const read = store.read(cookieValue, now);
      return read instanceof Promise ? read.then(remember) : remember(read);
    },
    async revoke(session) {
      for (const [key, cached] of cache.entries()) if (cached.session.sid === session.sid) cache.delete(key);
      await store.revoke(session);
    },
  };
}

/**
 * The map key: the value's last 32 characters. Hashing a fresh 1-4 KB string on every request
 * costs microseconds; the tail of a sealed value is its AES-GCM tag (random per cookie), and a
 * hit still compares the whole value, so a colliding tail is only a miss.
 */
const tailOf = (value: string): string => (value.length > 64 ? value.slice(-32) : value);
