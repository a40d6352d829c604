import type { Clock, Logger } from '@horizon/shared';
import type { LogLimiter } from '../log-limit.ts';
import { createInvalidation, type Invalidation } from './invalidation.ts';
import { createRedisClient, type RedisClient } from './redis-client.ts';
import { parseSession, type SessionRecords, type StoredSession, sessionRecords } from './redis-records.ts';
import type { Sealer } from './seal.ts';
import { expired, type Lifetimes, type Revalidate, type Session, type SessionStore } from './types.ts';
import { parseUser, type UserRecord, type UserRecords, userRecords } from './user-records.ts';
import { createUsers, type Users } from './users.ts';

export interface RedisStoreOptions extends Lifetimes {
  url: string;
  sealer: Sealer;
  logger: Logger;
  revalidateSeconds: number;
  revalidate: Revalidate;
  /** Longest wait for one command, ms (`session.storeTimeoutMs`). */
  timeoutMs: number;
  /** Longest wait for the provider (another replica's re-validation), ms (`oidc.timeoutMs`). */
  providerTimeoutMs: number;
  logs: LogLimiter;
  /** Prefix of every key, so one Redis can serve several installations. */
  prefix?: string;
  /** The breaker's clock (how long it stays open). Default: the system's. */
  clock?: Clock;
}

/** What the Redis store shares with what else lives in Redis (app passwords, IdP tokens). */
export interface RedisParts {
  client: RedisClient;
  prefix: string;
  users: Users;
  userRecords: UserRecords;
  sessions: SessionRecords;
  invalidation: Invalidation;
}

const PURPOSE = 'session-ref';
/** The idle clock (`renewedAt`) is written at most this often: once a minute per session, not per request. */
const TOUCH_SECONDS = 60;

/**
 * Sessions in Redis; the cookie holds only a sealed session id (and its user). Who the user is
 * comes from their user record (users.ts), re-validated at the provider every
 * `revalidateSeconds` once per user, so a disabled user or a removed group loses every session
 * within minutes. Sign-out deletes the record and tells every replica at once (invalidation.ts);
 * sign-out everywhere deletes every session of the user. Commands are bounded and behind a
 * breaker (redis-client.ts); the layouts are in redis-records.ts and user-records.ts.
 */
export function createRedisStore(options: RedisStoreOptions): SessionStore & { redis: RedisParts } {
  const { sealer, logger, logs } = options;
  const prefix = options.prefix ?? 'horizon:';
  const client = createRedisClient(options);
  const records = sessionRecords(client, prefix);
  const people = userRecords(client, prefix);
  const invalidation = createInvalidation(client, prefix, { logger, logs });
  const endAll = async (sub: string) => {
    await records.removeAll(sub);
    await invalidation.publish({ kind: 'user', id: sub });
  };
  const users = createUsers({
    ...options,
    records: people,
    waitMs: options.providerTimeoutMs,
    onRefused: endAll,
  });

  const refOf = (cookieValue: string): { sid: string; sub?: string } | undefined => {
    try {
      const ref = sealer.open(PURPOSE, cookieValue) as { sid?: unknown; sub?: unknown };
      if (typeof ref.sid !== 'string') return undefined;
      return typeof ref.sub === 'string' ? { sid: ref.sid, sub: ref.sub } : { sid: ref.sid };
    } catch {
      return undefined;
    }
  };

  /** The session and its user in one round trip (cookies from before name no user: two). */
  const load = async (ref: { sid: string; sub?: string }) => {
    if (ref.sub === undefined) {
      const stored = await records.load(ref.sid);
      return { stored, user: stored ? await people.load(stored.session.sub) : undefined };
    }
    const sub = ref.sub;
    const out = await client.call('read the session', (r) =>
      r
        .multi()
        .hmget(`${prefix}session:${ref.sid}`, 'record', 'renewedAt')
        .hget(people.key(sub), 'record')
        .exec(),
    );
    const [fields, user] = (out ?? []).map(([, v]) => v) as [(string | null)[], string | null];
    return { stored: parseSession(fields?.[0] ?? null, fields?.[1] ?? null), user: parseUser(user) };
  };

  /** The session as its user now is; a session from before users kept the chain hands it over. */
  const current = (stored: StoredSession, user: UserRecord | undefined, now: number): Session | undefined => {
    if (user?.refused) return undefined;
    if (!user && stored.refreshToken) {
      const { sub } = stored.session;
      const adopted = {
        identity: stored.session,
        validatedAt: stored.session.createdAt,
        refreshToken: stored.refreshToken,
      };
      people
        .adopt(sub, adopted)
        .catch((err) => logs.warn(logger, 'session-adopt', { err }, 'cannot move the chain'));
    }
    if (user) users.startIfDue(user, now);
    return user ? { ...stored.session, ...user.identity } : stored.session;
  };

  return {
    redis: { client, prefix, users, userRecords: people, sessions: records, invalidation },
    available: client.available,
    async create(session, tokens) {
      await users.signedIn(session, tokens, session.createdAt);
      const expiresAt = session.createdAt + options.absoluteSeconds;
      await records.create({ session }, expiresAt, session.createdAt, options.absoluteSeconds);
      return sealer.seal(PURPOSE, { sid: session.sid, sub: session.sub });
    },
    async read(cookieValue, now) {
      const ref = refOf(cookieValue);
      if (ref === undefined) return undefined;
      const { stored, user } = await load(ref);
      // Sessions from before host binding have no host: they end (one more sign-in).
      if (!stored || typeof stored.session.host !== 'string' || expired(stored.session, options, now))
        return undefined;
      if (now - stored.session.renewedAt >= TOUCH_SECONDS) {
        stored.session.renewedAt = now;
        records
          .touch(ref.sid, now)
          .catch((err) => logs.warn(logger, 'session-touch', { err }, 'cannot touch the session'));
      }
      return current(stored, user, now);
    },
    renew: () => undefined,
    async revoke(session) {
      await records.remove(session.sub, session.sid, 'revoke the session');
      await invalidation.publish({ kind: 'session', id: session.sid });
    },
    async revokeUser(sub) {
      await endAll(sub);
      await people.remove(sub);
    },
    async close() {
      await users.settled();
      invalidation.close();
      client.close();
    },
  };
}
