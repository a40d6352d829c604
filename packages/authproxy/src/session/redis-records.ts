import type { RedisClient } from './redis-client.ts';
import type { Session } from './types.ts';

/** What Redis keeps of a session (its `record` field), besides the idle clock. */
export interface StoredSession {
  session: Session;
  /** Records from before re-validation moved to the user (users.ts) carry the chain they had. */
  refreshToken?: string;
}

// A session is a hash: `record` (a StoredSession's JSON, written at login) and `renewedAt` (the
// idle clock, touched on its own). The user's sessions are listed in a sorted set by creation
// time, so sign-out everywhere finds them all, and one user's sessions stay bounded.
/** Touches the idle clock of a session that still exists (never re-creates a deleted one). */
const TOUCH = `if redis.call('EXISTS', KEYS[1]) == 1 then return redis.call('HSET', KEYS[1], 'renewedAt', ARGV[1]) end return 0`;
/**
 * Stores a session and lists it under its user: entries past the absolute lifetime go, and past
 * MAX_PER_USER the oldest sessions end (the keys are deleted too).
 * KEYS: session, index. ARGV: record JSON, ttl, sid, createdAt, oldest createdAt kept, max, key prefix.
 */
const CREATE = `
redis.call('HSET', KEYS[1], 'record', ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[5])
redis.call('ZADD', KEYS[2], ARGV[4], ARGV[3])
redis.call('EXPIRE', KEYS[2], ARGV[2])
local extra = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[6])
if extra > 0 then
  for i, entry in ipairs(redis.call('ZPOPMIN', KEYS[2], extra)) do
    if i % 2 == 1 then redis.call('DEL', ARGV[7] .. entry) end
  end
end
return 1`;
/** Sessions one user may have; a sign-in past it ends their oldest (tabs of a hundred browsers). */
export const MAX_SESSIONS_PER_USER = 64;

/** The sessions as Redis holds them: every key and command of the layout above, in one place. */
export interface SessionRecords {
  /** Stores a new session until `expiresAt` (seconds); one already past it is not stored. */
  create(record: StoredSession, expiresAt: number, now: number, lifetime: number): Promise<void>;
  /** The record with its idle clock, or undefined (none, or not ours to read). */
  load(sid: string): Promise<StoredSession | undefined>;
  touch(sid: string, now: number): Promise<unknown>;
  /** Deletes the session: `what` says why, for the error when Redis cannot. */
  remove(sub: string, sid: string, what: string): Promise<unknown>;
  /** Deletes every session of a user; returns their ids. */
  removeAll(sub: string): Promise<string[]>;
  /** How many sessions exist, counted up to `limit` (the status page): `more` when it stopped there. */
  count(limit: number): Promise<{ count: number; more: boolean }>;
}

/** A key prefix as a literal in a SCAN pattern (Redis globs: `*`, `?`, `[`, `]`; `\` escapes). */
const globLiteral = (s: string) => s.replace(/[*?[\]\\]/g, (c) => `\\${c}`);

/** The parts of a record: read here and by the store's read script (users.ts joins the user to it). */
export function parseSession(text: string | null, renewedAt: string | null): StoredSession | undefined {
  if (!text) return undefined;
  let record: StoredSession;
  try {
    record = JSON.parse(text) as StoredSession;
  } catch {
    return undefined; // not ours to read: no session
  }
  if (typeof record?.session?.sid !== 'string') return undefined;
  if (renewedAt) record.session.renewedAt = Math.max(record.session.renewedAt, Number(renewedAt));
  return record;
}

export function sessionRecords(client: RedisClient, prefix: string): SessionRecords {
  const { call } = client;
  const key = (sid: string) => `${prefix}session:${sid}`;
  const index = (sub: string) => `${prefix}user-sessions:${sub}`;
  return {
    async create(record, expiresAt, now, lifetime) {
      const ttl = expiresAt - now;
      if (ttl <= 0) return;
      const { sid, sub, createdAt } = record.session;
      const args = [JSON.stringify(record), ttl, sid, createdAt, now - lifetime, MAX_SESSIONS_PER_USER];
      await call('store the session', (r) =>
        r.eval(CREATE, 2, key(sid), index(sub), ...args.map(String), `${prefix}session:`),
      );
    },
    async load(sid) {
      const [text, renewedAt] = await call('read the session', (r) =>
        r.hmget(key(sid), 'record', 'renewedAt'),
      );
      return parseSession(text ?? null, renewedAt ?? null);
    },
    touch: (sid, now) => call('touch the session', (r) => r.eval(TOUCH, 1, key(sid), String(now))),
    remove: (sub, sid, what) => call(what, (r) => r.multi().del(key(sid)).zrem(index(sub), sid).exec()),
    async removeAll(sub) {
      const sids = await call('list the sessions', (r) => r.zrange(index(sub), '0', '-1'));
      await call('end the sessions', (r) => r.del([index(sub), ...sids.map((sid) => key(sid))]));
      return sids;
    },
    async count(limit) {
      // SCAN in steps, each one bounded call: never KEYS, which blocks Redis for every client.
      const match = `${globLiteral(prefix)}session:*`;
      let cursor = '0';
      let count = 0;
      let steps = 0; // at most 50 steps of ~1,000 keys: a Redis shared with much else is not walked whole
      do {
        steps += 1;
        const [next, keys] = await call('count the sessions', (r) =>
          r.scan(cursor, 'MATCH', match, 'COUNT', 1000),
        );
        cursor = next;
        count += keys.length;
      } while (cursor !== '0' && count < limit && steps < 50);
      return { count: Math.min(count, limit), more: cursor !== '0' || count > limit };
    },
  };
}
