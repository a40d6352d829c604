import { hasCode, type Logger } from '@horizon/shared';
import { Redis } from 'ioredis';
import { authError } from '../errors.ts';
import type { Sealer } from './seal.ts';
import { expired, type Identity, type Lifetimes, type Session, type SessionStore } from './types.ts';

/** What re-validation at the provider returns: fresh claims and the rotated tokens. */
export interface Revalidated {
  identity: Identity;
  refreshToken?: string;
  idToken?: string;
}

/**
 * Uses a refresh token at the provider. Throws E_PROVIDER_REJECTED when the provider refuses it
 * (user disabled, grant revoked: the session ends) and E_PROVIDER_UNAVAILABLE when it cannot be
 * asked (the session goes on).
 */
export type Revalidate = (refreshToken: string) => Promise<Revalidated>;

export interface RedisStoreOptions extends Lifetimes {
  url: string;
  sealer: Sealer;
  logger: Logger;
  revalidateSeconds: number;
  revalidate: Revalidate;
  /** Prefix of every key, so one Redis can serve several installations. */
  prefix?: string;
}

interface Record {
  session: Session;
  refreshToken?: string;
  validatedAt: number;
}

const PURPOSE = 'session-ref';
/** lastSeen is written at most this often: one write per minute per session, not per request. */
const TOUCH_SECONDS = 60;
/** A replica re-validating a session holds a lock this long; others skip (single flight). */
const LOCK_MS = 15_000;

// A session is a hash: `record` (the JSON above, written at login and by re-validation) and
// `renewedAt` (the idle clock, touched on its own). Touching only that field means a touch racing
// a re-validation can never write back a refresh token the provider has already rotated (which
// would make the next refresh a reuse, and Pocket-ID revokes the whole chain).
/** Touches the idle clock of a session that still exists (never re-creates a deleted one). */
const TOUCH = `if redis.call('EXISTS', KEYS[1]) == 1 then return redis.call('HSET', KEYS[1], 'renewedAt', ARGV[1]) end return 0`;
/** Replaces the record of a session that still exists: a sign-out during a re-validation stays a sign-out. */
const REPLACE = `if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('HSET', KEYS[1], 'record', ARGV[1]) return 1 end return 0`;

/**
 * Sessions in Redis; the cookie holds only a sealed session id. Refresh tokens stay on the
 * server and are used every `revalidateSeconds` (once, across replicas: Pocket-ID revokes the
 * whole chain when an old refresh token is reused), so a disabled user or a removed group loses
 * access within minutes; sign-out deletes the record and ends the session everywhere.
 */
export function createRedisStore(options: RedisStoreOptions): SessionStore & { redis: Redis } {
  const { sealer, logger } = options;
  const prefix = options.prefix ?? 'horizon:';
  // One retry per command: a check waits on Redis, and a dead Redis must fail fast, not queue.
  const redis = new Redis(options.url, { maxRetriesPerRequest: 1 });
  redis.on('error', (err) =>
    logger.warn({ err: authError('E_SESSION_STORE', 'redis error', err) }, 'session store error'),
  );
  const key = (sid: string) => `${prefix}session:${sid}`;
  const inFlight = new Map<string, Promise<void>>();

  const create = async (record: Record, now: number): Promise<void> => {
    const ttl = record.session.createdAt + options.absoluteSeconds - now;
    if (ttl <= 0) return;
    const k = key(record.session.sid);
    await redis.multi().hset(k, 'record', JSON.stringify(record)).expire(k, ttl).exec();
  };

  const revalidate = async (record: Record, now: number): Promise<void> => {
    const { sid } = record.session;
    if (!record.refreshToken) return;
    const locked = await redis.set(`${prefix}lock:${sid}`, '1', 'PX', LOCK_MS, 'NX');
    if (locked !== 'OK') return; // another replica is on it
    // Re-read under the lock: another replica may have rotated the token a moment ago.
    const fresh = await load(sid);
    if (!fresh?.refreshToken || now - fresh.validatedAt < options.revalidateSeconds) return;
    try {
      const out = await options.revalidate(fresh.refreshToken);
      const session = { ...fresh.session, ...out.identity, idToken: out.idToken ?? fresh.session.idToken };
      const record = { session, refreshToken: out.refreshToken ?? fresh.refreshToken, validatedAt: now };
      await redis.eval(REPLACE, 1, key(sid), JSON.stringify(record));
    } catch (err) {
      if (hasCode(err, 'E_PROVIDER_REJECTED')) {
        logger.info(
          { sid: sid.slice(0, 8), sub: fresh.session.sub },
          'session ended: provider refused re-validation',
        );
        await redis.del(key(sid));
      } else {
        logger.warn({ err }, 'session re-validation failed; session kept');
      }
    } finally {
      await redis.del(`${prefix}lock:${sid}`);
    }
  };

  const load = async (sid: string): Promise<Record | undefined> => {
    const [text, renewedAt] = await redis.hmget(key(sid), 'record', 'renewedAt');
    if (!text) return undefined;
    const record = JSON.parse(text) as Record;
    if (renewedAt) record.session.renewedAt = Math.max(record.session.renewedAt, Number(renewedAt));
    return record;
  };

  return {
    kind: 'redis',
    redis,
    async create(session, tokens) {
      await create(
        { session, refreshToken: tokens.refreshToken, validatedAt: session.createdAt },
        session.createdAt,
      );
      return sealer.seal(PURPOSE, { sid: session.sid });
    },
    async read(cookieValue, now) {
      let sid: unknown;
      try {
        sid = (sealer.open(PURPOSE, cookieValue) as { sid?: unknown }).sid;
      } catch {
        return undefined;
      }
      if (typeof sid !== 'string') return undefined;
      let record: Record | undefined;
      try {
        record = await load(sid);
      } catch (err) {
        throw authError('E_SESSION_STORE', 'cannot read the session', err);
      }
      if (!record || expired(record.session, options, now)) return undefined;
      if (now - record.session.renewedAt >= TOUCH_SECONDS) {
        record.session.renewedAt = now;
        redis
          .eval(TOUCH, 1, key(sid), String(now))
          .catch((err) => logger.warn({ err }, 'cannot touch the session'));
      }
      if (
        record.refreshToken &&
        now - record.validatedAt >= options.revalidateSeconds &&
        !inFlight.has(sid)
      ) {
        const job = revalidate(record, now)
          .catch((err) => logger.warn({ err }, 'session re-validation failed'))
          .finally(() => inFlight.delete(sid));
        inFlight.set(sid, job);
      }
      return record.session;
    },
    renew: () => undefined,
    async revoke(session) {
      await redis.del(key(session.sid));
    },
    async close() {
      await Promise.allSettled(inFlight.values());
      redis.disconnect();
    },
  };
}
