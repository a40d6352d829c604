import type { RedisClient } from './redis-client.ts';
import type { Session } from './types.ts';

/** What Redis keeps of a session (its `record` field), besides the idle clock. */
export interface StoredSession {
  session: Session;
  refreshToken?: string;
  validatedAt: number;
}

// A session is a hash: `record` (a StoredSession's JSON, written at login and by re-validation) and
// `renewedAt` (the idle clock, touched on its own). Touching only that field means a touch racing
// a re-validation can never write back a refresh token the provider has already rotated (which
// would make the next refresh a reuse, and Pocket-ID revokes the whole chain).
/** Touches the idle clock of a session that still exists (never re-creates a deleted one). */
const TOUCH = `if redis.call('EXISTS', KEYS[1]) == 1 then return redis.call('HSET', KEYS[1], 'renewedAt', ARGV[1]) end return 0`;
/** Replaces the record of a session that still exists: a sign-out during a re-validation stays a sign-out. */
const REPLACE = `if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('HSET', KEYS[1], 'record', ARGV[1]) return 1 end return 0`;
/** A replica re-validating a session holds a lock this long; others skip (single flight). */
const LOCK_MS = 15_000;

/** The sessions as Redis holds them: every key and command of the layout above, in one place. */
export interface SessionRecords {
  /** Stores a new session until `expiresAt` (seconds); one already past it is not stored. */
  create(record: StoredSession, expiresAt: number, now: number): Promise<void>;
  /** The record with its idle clock, or undefined (none, or not ours to read). */
  load(sid: string): Promise<StoredSession | undefined>;
  touch(sid: string, now: number): Promise<unknown>;
  replace(sid: string, record: StoredSession): Promise<unknown>;
  /** Deletes the session: `what` says why, for the error when Redis cannot. */
  remove(sid: string, what: string): Promise<unknown>;
  /** Takes the session's re-validation lock; false when another replica holds it. */
  lock(sid: string): Promise<boolean>;
  unlock(sid: string): Promise<unknown>;
}

export function sessionRecords(client: RedisClient, prefix: string): SessionRecords {
  const { call } = client;
  const key = (sid: string) => `${prefix}session:${sid}`;
  const lockKey = (sid: string) => `${prefix}lock:${sid}`;
  return {
    async create(record, expiresAt, now) {
      const ttl = expiresAt - now;
      if (ttl <= 0) return;
      const k = key(record.session.sid);
      await call('store the session', (r) =>
        r.multi().hset(k, 'record', JSON.stringify(record)).expire(k, ttl).exec(),
      );
    },
    async load(sid) {
      const [text, renewedAt] = await call('read the session', (r) =>
        r.hmget(key(sid), 'record', 'renewedAt'),
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
    },
    touch: (sid, now) => call('touch the session', (r) => r.eval(TOUCH, 1, key(sid), String(now))),
    replace: (sid, record) =>
      call('replace the session', (r) => r.eval(REPLACE, 1, key(sid), JSON.stringify(record))),
    remove: (sid, what) => call(what, (r) => r.del(key(sid))),
    lock: async (sid) => (await call('lock', (r) => r.set(lockKey(sid), '1', 'PX', LOCK_MS, 'NX'))) === 'OK',
    unlock: (sid) => call('unlock', (r) => r.del(lockKey(sid))),
  };
}
