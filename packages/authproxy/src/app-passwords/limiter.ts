import { clientBlock } from '@horizon/shared';
import { createRecent } from '../session/recent.ts';
import type { RedisClient } from '../session/redis-client.ts';

export interface LimiterOptions {
  client: RedisClient;
  prefix: string;
  /** `appPasswords.failuresPerClient`, `failuresPerUser`, `windowSeconds`. */
  failuresPerClient: number;
  failuresPerUser: number;
  windowSeconds: number;
  /** Blocks remembered in memory, at most (`session.cacheSize`); past it the oldest is asked of Redis again. */
  size: number;
}

/** Whose budget of failures is spent: the client's (its address) or the user's (the name tried). */
export type Spent = { by: 'client' | 'user'; retryAfter: number };

/** Failed app-password attempts, counted per client and per user across replicas. */
export interface Limiter {
  /** A spent budget this replica already knows of: answered with no Redis call (an attacker's flood costs nothing). */
  known(client: string, user: string | undefined, now: number): Spent | undefined;
  /** The budgets as Redis counts them now. */
  check(client: string, user: string | undefined, now: number): Promise<Spent | undefined>;
  /**
   * Counts a failure against both, unless this client failed with the same `attempt` (a digest of
   * its Authorization header) within the window: a guess sent again guesses nothing new, and
   * nginx's auth_request sends every refused request twice (the sub-request, then error_page's
   * replay), which would halve its clients' budgets.
   */
  failed(client: string, user: string | undefined, now: number, attempt?: string): Promise<void>;
}

/** Counts one failure and starts its window with the first (no version-7-only EXPIRE NX). */
const COUNT = `local n = redis.call('INCR', KEYS[1]) if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end return n`;
/** User names longer than this are cut: the key stays small whatever a client sends. */
const MAX_NAME = 128;

/**
 * Failed attempts per client address (as the front reports it; without one, every client shares
 * the budget of `unknown`) and per user name (the Basic user name, or the owner of the password a
 * request named), in Redis so every replica counts the same: past `failuresPerClient` or
 * `failuresPerUser` in `windowSeconds`, attempts are refused until the window that started with
 * the first failure ends. What Redis said is remembered here (bounded), so a client past its
 * budget costs no Redis call until its window ends.
 */
export function createLimiter(o: LimiterOptions): Limiter {
  const blocked = createRecent<string, number>(o.size);
  /** Failed attempts counted here, by client and attempt, until their window ends (bounded as `blocked`). */
  const counted = createRecent<string, number>(o.size);
  // One budget per client block: an IPv6 client's whole /64, which it can rotate through.
  const clientKey = (client: string) => `${o.prefix}failures:client:${clientBlock(client)}`;
  const userKey = (user: string) => `${o.prefix}failures:user:${user.toLowerCase().slice(0, MAX_NAME)}`;
  const keysOf = (client: string, user: string | undefined) =>
    [
      ['client', clientKey(client), o.failuresPerClient],
      ...(user === undefined ? [] : [['user', userKey(user), o.failuresPerUser]]),
    ] as ['client' | 'user', string, number][];

  const remembered = (key: string, now: number): number | undefined => {
    const until = blocked.get(key);
    if (until === undefined) return undefined;
    if (until > now) return until - now;
    blocked.delete(key);
    return undefined;
  };

  return {
    known(client, user, now) {
      for (const [by, key] of keysOf(client, user)) {
        const retryAfter = remembered(key, now);
        if (retryAfter !== undefined) return { by, retryAfter };
      }
      return undefined;
    },
    async check(client, user, now) {
      const keys = keysOf(client, user);
      const out = await o.client.call('count failures', (r) => {
        const m = r.multi();
        for (const [, key] of keys) m.get(key).ttl(key);
        return m.exec();
      });
      const values = (out ?? []).map(([, v]) => Number(v));
      for (const [i, [by, key, limit]] of keys.entries()) {
        const count = values[2 * i] ?? 0;
        const ttl = Math.max(1, values[2 * i + 1] ?? o.windowSeconds);
        if (count >= limit) {
          blocked.set(key, now + ttl);
          return { by, retryAfter: ttl };
        }
      }
      return undefined;
    },
    async failed(client, user, now, attempt) {
      if (attempt !== undefined) {
        const seen = `${client} ${attempt}`;
        if ((counted.get(seen) ?? 0) > now) return;
        counted.set(seen, now + o.windowSeconds);
      }
      for (const [, key, limit] of keysOf(client, user)) {
        const count = await o.client.call('count a failure', (r) =>
          r.eval(COUNT, 1, key, String(o.windowSeconds)),
        );
        if (Number(count) >= limit) blocked.set(key, now + o.windowSeconds);
      }
    },
  };
}
