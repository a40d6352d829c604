import type { RedisClient } from '../session/redis-client.ts';

/** Where an app password works: every app on one host, or every host and route of one policy. */
export type Scope = { host: string } | { policy: string };

/** An app password as the store keeps it: never the password, only its hash. */
export interface AppPassword {
  id: string;
  /** Its owner (the provider's `sub`). */
  sub: string;
  /** The owner's user name when it was made: whose failure budget a Bearer attempt on it spends. */
  user: string;
  /** What the owner called it ("phone", "backup script"). */
  name: string;
  scope: Scope;
  createdAt: number;
  /** Seconds since the epoch; undefined: until revoked. */
  expiresAt?: number;
  /** SHA-256 of the password (token.ts). */
  hash: string;
  /** When it last let a request through, seconds (kept to the minute). */
  lastUsed?: number;
}

// An app password is a hash `app-password:<id>`: `record` (the JSON above, without lastUsed) and
// `lastUsed`, touched on its own. Its owner's are listed in a sorted set by creation time.
/**
 * Stores a new app password unless its owner has `max` already (ids of expired ones, whose keys
 * Redis has removed, are dropped from the list first). KEYS: index, record. ARGV: JSON, id,
 * createdAt, max, expire-at ('' for none), key prefix of records. Returns 1, or 0 when full.
 */
const CREATE = `
for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  if redis.call('EXISTS', ARGV[6] .. id) == 0 then redis.call('ZREM', KEYS[1], id) end
end
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[4]) then return 0 end
redis.call('HSET', KEYS[2], 'record', ARGV[1])
if ARGV[5] ~= '' then redis.call('EXPIREAT', KEYS[2], ARGV[5]) end
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[2])
return 1`;
/** Touches `lastUsed` of a password that still exists (never re-creates a revoked one). */
const TOUCH = `if redis.call('EXISTS', KEYS[1]) == 1 then return redis.call('HSET', KEYS[1], 'lastUsed', ARGV[1]) end return 0`;

export interface AppPasswordRecords {
  /** Stores a new one; false when its owner has `max` already. */
  create(p: AppPassword, max: number): Promise<boolean>;
  /** Its owner's, oldest first (at most what `create` lets them have). */
  list(sub: string): Promise<AppPassword[]>;
  load(id: string): Promise<AppPassword | undefined>;
  touch(id: string, now: number): Promise<unknown>;
  /** Deletes one of its owner's; false when `sub` has none by that id. */
  revoke(sub: string, id: string): Promise<boolean>;
  /** Deletes every one of a user's; returns their ids. */
  revokeAll(sub: string): Promise<string[]>;
}

const parse = (
  text: string | null | undefined,
  lastUsed: string | null | undefined,
): AppPassword | undefined => {
  if (!text) return undefined;
  try {
    const p = JSON.parse(text) as AppPassword;
    if (typeof p?.id !== 'string' || typeof p.sub !== 'string' || typeof p.hash !== 'string')
      return undefined;
    return lastUsed ? { ...p, lastUsed: Number(lastUsed) } : p;
  } catch {
    return undefined;
  }
};

export function appPasswordRecords(client: RedisClient, prefix: string): AppPasswordRecords {
  const { call } = client;
  const key = (id: string) => `${prefix}app-password:${id}`;
  const index = (sub: string) => `${prefix}user-app-passwords:${sub}`;
  const load = async (id: string) => {
    const [text, lastUsed] = await call('read the app password', (r) =>
      r.hmget(key(id), 'record', 'lastUsed'),
    );
    return parse(text, lastUsed);
  };
  return {
    async create(p, max) {
      const { lastUsed: _unused, ...record } = p;
      const args = [
        JSON.stringify(record),
        p.id,
        String(p.createdAt),
        String(max),
        String(p.expiresAt ?? ''),
      ];
      const out = await call('store the app password', (r) =>
        r.eval(CREATE, 2, index(p.sub), key(p.id), ...args, `${prefix}app-password:`),
      );
      return out === 1;
    },
    async list(sub) {
      const ids = await call('list the app passwords', (r) => r.zrange(index(sub), '0', '-1'));
      if (ids.length === 0) return [];
      const rows = await call('read the app passwords', (r) => {
        const m = r.multi();
        for (const id of ids) m.hmget(key(id), 'record', 'lastUsed');
        return m.exec();
      });
      return (rows ?? [])
        .map(([, v]) => v as (string | null)[])
        .map((v) => parse(v?.[0], v?.[1]))
        .filter((p): p is AppPassword => p !== undefined && p.sub === sub);
    },
    load,
    touch: (id, now) => call('touch the app password', (r) => r.eval(TOUCH, 1, key(id), String(now))),
    async revoke(sub, id) {
      const p = await load(id);
      if (!p || p.sub !== sub) return false;
      await call('revoke the app password', (r) => r.multi().del(key(id)).zrem(index(sub), id).exec());
      return true;
    },
    async revokeAll(sub) {
      const ids = await call('list the app passwords', (r) => r.zrange(index(sub), '0', '-1'));
      await call('revoke the app passwords', (r) => r.del([index(sub), ...ids.map((id) => key(id))]));
      return ids;
    },
  };
}
