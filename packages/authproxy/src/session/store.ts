import type { Clock, Logger, Registry } from '@horizon/shared';
import type { AuthConfig } from '../config.ts';
import type { LogLimiter } from '../log-limit.ts';
import { storeUpGauge } from './breaker.ts';
import { cacheSessions } from './cache.ts';
import { createCookieStore } from './cookie-store.ts';
import { listeningGauge } from './invalidation.ts';
import { createRedisStore, type RedisParts } from './redis-store.ts';
import { countRevalidations } from './revalidations.ts';
import type { Sealer } from './seal.ts';
import type { Revalidate, SessionStore } from './types.ts';

export interface SessionStoreDeps {
  sealer: Sealer;
  logger: Logger;
  logs: LogLimiter;
  clock: Clock;
  registry: Registry;
  /** The provider's refresh, for the Redis store's re-validations. */
  revalidate: Revalidate;
}

/**
 * The session store `session.store` names (sealed cookies, or Redis with re-validation at the
 * provider), behind the cache of verified sessions that answers a known cookie without I/O: for
 * `session.cacheSeconds` with Redis (a sign-out elsewhere shows after it), for the idle lifetime
 * with cookies (nothing elsewhere can change them).
 */
export function createSessionStore(
  config: Pick<AuthConfig, 'cookie' | 'session' | 'oidc'>,
  deps: SessionStoreDeps,
): SessionStore & { redis?: RedisParts } {
  const { cookie, session } = config;
  const lifetimes = { idleSeconds: cookie.idleSeconds, absoluteSeconds: cookie.absoluteSeconds };
  const { sealer, logger } = deps;
  const store: SessionStore & { redis?: RedisParts } =
    session.store === 'redis'
      ? createRedisStore({
          ...lifetimes,
          url: session.redisUrl,
          sealer,
          logger,
          logs: deps.logs,
          timeoutMs: session.storeTimeoutMs,
          providerTimeoutMs: config.oidc.timeoutMs,
          revalidateSeconds: session.revalidateSeconds,
          clock: deps.clock,
          revalidate: countRevalidations(deps.registry, deps.revalidate),
        })
      : createCookieStore({ ...lifetimes, sealer, logger });
  if (store.available) storeUpGauge(deps.registry, store.available);
  if (store.redis) listeningGauge(deps.registry, store.redis.invalidation);
  const cached = cacheSessions(
    store,
    {
      ...lifetimes,
      size: session.cacheSize,
      ttlSeconds: session.store === 'redis' ? session.cacheSeconds : cookie.idleSeconds,
    },
    store.redis?.invalidation,
  );
  return store.redis ? { ...cached, redis: store.redis } : cached;
}
