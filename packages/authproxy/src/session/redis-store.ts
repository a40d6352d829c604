import { type Clock, hasCode, type Logger, systemClock } from '@horizon/shared';
import { Redis } from 'ioredis';
import { authError } from '../errors.ts';
import type { LogLimiter } from '../log-limit.ts';
import { createBreaker } from './breaker.ts';
import type { Sealer } from './seal.ts';
import { expired, type Lifetimes, type Revalidate, type Session, type SessionStore } from './types.ts';

export interface RedisStoreOptions extends Lifetimes {
  url: string;
  sealer: Sealer;
  logger: Logger;
  revalidateSeconds: number;
  revalidate: Revalidate;
  /** Longest wait for one command, ms (`session.storeTimeoutMs`). */
  timeoutMs: number;
  logs: LogLimiter;
  /** Prefix of every key, so one Redis can serve several installations. */
  prefix?: string;
  /** The breaker's clock (how long it stays open). Default: the system's. */
  clock?: Clock;
}

/** What Redis keeps of a session (its `record` field), besides the idle clock. */
interface StoredSession {
  session: Session;
  refreshToken?: string;
  validatedAt: number;
}

const PURPOSE = 'session-ref';
/** lastSeen is written at most this often: one write per minute per session, not per request. */
const TOUCH_SECONDS = 60;
/** A replica re-validating a session holds a lock this long; others skip (single flight). */
const LOCK_MS = 15_000;
/** Re-validations running at once; past it a due session waits for a later request. */
const MAX_REVALIDATIONS = 64;

// A session is a hash: `record` (a StoredSession's JSON, written at login and by re-validation) and
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
  const { sealer, logger, logs } = options;
  const prefix = options.prefix ?? 'horizon:';
  // Every command is bounded by commandTimeout, waiting for a connection included (ioredis arms
  // it before the offline queue, which covers the first milliseconds after start), and none is
  // retried: a check fails within the timeout, never hangs on a dead or stopped Redis. The
  // client reconnects by itself, at most a second apart; the breaker keeps checks from queueing.
  const redis = new Redis(options.url, {
    commandTimeout: options.timeoutMs,
    connectTimeout: Math.max(1000, 4 * options.timeoutMs),
    maxRetriesPerRequest: 0,
    retryStrategy: (times) => Math.min(100 * times, 1000),
  });
  redis.on('error', (err) =>
    logs.warn(
      logger,
      'session-store',
      { err: authError('E_SESSION_STORE', 'redis error', err) },
      'session store error',
    ),
  );
  const breaker = createBreaker({ now: (options.clock ?? systemClock).now });
  /** A Redis call, bounded, through the breaker; every failure is E_SESSION_STORE. */
  const call = <T>(what: string, run: () => Promise<T>): Promise<T> =>
    breaker.run(run).catch((err: unknown) => {
      throw hasCode(err, 'E_SESSION_STORE') ? err : authError('E_SESSION_STORE', `cannot ${what}`, err);
    });
  const sessionKey = (sid: string) => `${prefix}session:${sid}`;
  const inFlight = new Map<string, Promise<void>>();

  const create = async (record: StoredSession, now: number): Promise<void> => {
    const ttl = record.session.createdAt + options.absoluteSeconds - now;
    if (ttl <= 0) return;
    const k = sessionKey(record.session.sid);
    await call('store the session', () =>
      redis.multi().hset(k, 'record', JSON.stringify(record)).expire(k, ttl).exec(),
    );
  };

  const revalidate = async (record: StoredSession, now: number): Promise<void> => {
    const { sid } = record.session;
    if (!record.refreshToken) return;
    const lock = `${prefix}lock:${sid}`;
    const locked = await call('lock', () => redis.set(lock, '1', 'PX', LOCK_MS, 'NX'));
    if (locked !== 'OK') return; // another replica is on it
    try {
      // Re-read under the lock: another replica may have rotated the token a moment ago.
      const fresh = await load(sid);
      if (!fresh?.refreshToken || now - fresh.validatedAt < options.revalidateSeconds) return;
      try {
        const out = await options.revalidate(fresh.refreshToken);
        const session = { ...fresh.session, ...out.identity, idToken: out.idToken ?? fresh.session.idToken };
        const next = { session, refreshToken: out.refreshToken ?? fresh.refreshToken, validatedAt: now };
        await call('replace the session', () =>
          redis.eval(REPLACE, 1, sessionKey(sid), JSON.stringify(next)),
        );
      } catch (err) {
        if (!hasCode(err, 'E_PROVIDER_REJECTED')) throw err;
        logger.info(
          { sid: sid.slice(0, 8), sub: fresh.session.sub },
          'session ended: provider refused re-validation',
        );
        await call('end the session', () => redis.del(sessionKey(sid)));
      }
    } finally {
      await call('unlock', () => redis.del(lock)).catch(() => undefined); // expires after LOCK_MS anyway
    }
  };

  const load = async (sid: string): Promise<StoredSession | undefined> => {
    const [text, renewedAt] = await call('read the session', () =>
      redis.hmget(sessionKey(sid), 'record', 'renewedAt'),
    );
    if (!text) return undefined;
    let record: StoredSession;
    try {
      record = JSON.parse(text) as StoredSession;
    } catch {
      return undefined; // not ours to read: no session
    }
    if (renewedAt) record.session.renewedAt = Math.max(record.session.renewedAt, Number(renewedAt));
    return record;
  };

  return {
    redis,
    available: breaker.available,
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
      const record = await load(sid);
      // Sessions from before host binding have no host: they end (one more sign-in).
      if (!record || typeof record.session.host !== 'string' || expired(record.session, options, now))
        return undefined;
      if (now - record.session.renewedAt >= TOUCH_SECONDS) {
        record.session.renewedAt = now;
        call('touch the session', () => redis.eval(TOUCH, 1, sessionKey(sid), String(now))).catch((err) =>
          logs.warn(logger, 'session-touch', { err }, 'cannot touch the session'),
        );
      }
      if (
        record.refreshToken &&
        now - record.validatedAt >= options.revalidateSeconds &&
        !inFlight.has(sid) &&
        inFlight.size < MAX_REVALIDATIONS
      ) {
        const job = revalidate(record, now)
          .catch((err) =>
            logs.warn(logger, 'session-revalidate', { err }, 'session re-validation failed; session kept'),
          )
          .finally(() => inFlight.delete(sid));
        inFlight.set(sid, job);
      }
      return record.session;
    },
    renew: () => undefined,
    async revoke(session) {
      await call('revoke the session', () => redis.del(sessionKey(session.sid)));
    },
    async close() {
      await Promise.allSettled(inFlight.values());
      redis.disconnect();
    },
  };
}
