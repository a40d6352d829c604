import type { Invalidation } from './invalidation.ts';
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
 * trust window is kept here in the check's own clock (seconds), read once per check. With a
 * server-side store, a revocation anywhere drops the sessions it names at once (invalidation.ts),
 * and while the store's revocations cannot be heard, nothing is answered from memory.
 */
export function cacheSessions(
  store: SessionStore,
  options: SessionCacheOptions,
  invalidation?: Invalidation,
): SessionStore {
  const cache = createRecent<string, Entry>(options.size);
  const drop = (match: (s: Session) => boolean) => {
    for (const [key, cached] of cache.entries()) if (match(cached.session)) cache.delete(key);
  };
  invalidation?.on((what) => {
    if (what === 'everything') drop(() => true);
    else if (what.kind === 'session') drop((s) => s.sid === what.id);
    else if (what.kind === 'user') drop((s) => s.sub === what.id);
  });
  const trusted = invalidation ? invalidation.listening : () => true;
  return {
    ...store,
    read(cookieValue, now) {
      if (!trusted()) return store.read(cookieValue, now);
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
      drop((s) => s.sid === session.sid);
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
