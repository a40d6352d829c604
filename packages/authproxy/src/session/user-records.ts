import type { RedisClient } from './redis-client.ts';
import type { Identity } from './types.ts';

/**
 * What Redis keeps of a user (Redis store): who they are as the provider last said, and the
 * refresh token chain every re-validation uses. One chain per user, whatever the number of their
 * sessions and app passwords: each sign-in brings a new one (the previous is dropped, never
 * reused), and one refresh per `session.revalidateSeconds` keeps all of them current.
 */
export interface UserRecord {
  identity: Identity;
  /** When the provider last confirmed the user, seconds. */
  validatedAt: number;
  refreshToken?: string;
  accessToken?: string;
  /** Seconds since the epoch; undefined when the provider did not say. */
  accessExpiresAt?: number;
  idToken?: string;
  /** The provider refused the chain (user disabled, grant revoked): nothing of theirs passes until they sign in again. */
  refused?: boolean;
}

// A user is a hash `user:<sub>` whose one field, `record`, is replaced whole (by a sign-in or a
// re-validation), so a refresh token never mixes with another chain's access token.
/** Replaces the record of a user that still exists: sign-out everywhere during a re-validation stays one. */
const REPLACE = `if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('HSET', KEYS[1], 'record', ARGV[1]) redis.call('EXPIRE', KEYS[1], ARGV[2]) return 1 end return 0`;
/** A user record outlives their last use by this much: past the provider's refresh tokens (Pocket-ID: 30 days). */
export const USER_TTL_SECONDS = 90 * 86400;
/** A replica re-validating a user holds a lock this long; others wait or skip (single flight). */
const LOCK_MS = 15_000;

/** The user records as Redis holds them: every key and command of the layout above, in one place. */
export interface UserRecords {
  key(sub: string): string;
  /** At sign-in: the record replaced (a new chain), or created. */
  save(sub: string, record: UserRecord): Promise<void>;
  /** Only when there is none yet (a session from before moving its chain here). */
  adopt(sub: string, record: UserRecord): Promise<void>;
  load(sub: string): Promise<UserRecord | undefined>;
  /** After a re-validation; false when the user was removed meanwhile. */
  replace(sub: string, record: UserRecord): Promise<boolean>;
  remove(sub: string): Promise<unknown>;
  /** Takes the user's re-validation lock; false when another replica holds it. */
  lock(sub: string): Promise<boolean>;
  unlock(sub: string): Promise<unknown>;
}

/** A record as stored, or undefined (none, or not ours to read). */
export function parseUser(text: string | null | undefined): UserRecord | undefined {
  if (!text) return undefined;
  try {
    const record = JSON.parse(text) as UserRecord;
    return typeof record?.identity?.sub === 'string' ? record : undefined;
  } catch {
    return undefined;
  }
}

export function userRecords(client: RedisClient, prefix: string): UserRecords {
  const { call } = client;
  const key = (sub: string) => `${prefix}user:${sub}`;
  const lockKey = (sub: string) => `${prefix}lock:user:${sub}`;
  return {
    key,
    save: async (sub, record) => {
      await call('store the user', (r) =>
        r.multi().hset(key(sub), 'record', JSON.stringify(record)).expire(key(sub), USER_TTL_SECONDS).exec(),
      );
    },
    adopt: async (sub, record) => {
      await call('store the user', (r) =>
        r
          .multi()
          .hsetnx(key(sub), 'record', JSON.stringify(record))
          .expire(key(sub), USER_TTL_SECONDS)
          .exec(),
      );
    },
    load: async (sub) => parseUser(await call('read the user', (r) => r.hget(key(sub), 'record'))),
    replace: async (sub, record) =>
      (await call('replace the user', (r) =>
        r.eval(REPLACE, 1, key(sub), JSON.stringify(record), String(USER_TTL_SECONDS)),
      )) === 1,
    remove: (sub) => call('remove the user', (r) => r.del(key(sub))),
    lock: async (sub) => (await call('lock', (r) => r.set(lockKey(sub), '1', 'PX', LOCK_MS, 'NX'))) === 'OK',
    unlock: (sub) => call('unlock', (r) => r.del(lockKey(sub))),
  };
}
