import type { AuthConfig } from '../config.ts';
import type { RedisParts } from '../session/redis-store.ts';
import { createLimiter } from './limiter.ts';
import { type AppPasswordRecords, appPasswordRecords } from './records.ts';
import { type AppPasswordVerifier, createAppPasswordVerifier } from './verifier.ts';

/** App passwords: their records, the check of one, and the revocations every replica hears. */
export interface AppPasswords {
  records: AppPasswordRecords;
  verifier: AppPasswordVerifier;
  invalidation: RedisParts['invalidation'];
}

/** App passwords over the Redis store's connection, users and revocations (there are none without Redis). */
export function createAppPasswords(
  config: Pick<AuthConfig, 'appPasswords' | 'session'>,
  redis: RedisParts,
): AppPasswords {
  const { appPasswords, session } = config;
  const records = appPasswordRecords(redis.client, redis.prefix);
  const limiter = createLimiter({
    client: redis.client,
    prefix: redis.prefix,
    failuresPerClient: appPasswords.failuresPerClient,
    failuresPerUser: appPasswords.failuresPerUser,
    windowSeconds: appPasswords.windowSeconds,
    size: session.cacheSize,
  });
  const verifier = createAppPasswordVerifier({
    records,
    users: redis.users,
    limiter,
    invalidation: redis.invalidation,
    cacheSeconds: session.cacheSeconds,
    size: session.cacheSize,
    revalidateSeconds: session.revalidateSeconds,
  });
  return { records, verifier, invalidation: redis.invalidation };
}
