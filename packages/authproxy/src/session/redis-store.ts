import type { Clock, Logger } from '@horizon/shared';
import type { LogLimiter } from '../log-limit.ts';
import { createRedisClient } from './redis-client.ts';
import { sessionRecords } from './redis-records.ts';
import { createRevalidation } from './redis-revalidation.ts';
import type { Sealer } from './seal.ts';
import { expired, type Lifetimes, type Revalidate, type SessionStore } from './types.ts';

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

const PURPOSE = 'session-ref';
/** The idle clock (`renewedAt`) is written at most this often: once a minute per session, not per request. */
const TOUCH_SECONDS = 60;

/**
 * Sessions in Redis; the cookie holds only a sealed session id. Refresh tokens stay on the
 * server and are used every `revalidateSeconds` (redis-revalidation.ts), so a disabled user or
 * a removed group loses access within minutes; sign-out deletes the record and ends the session
 * everywhere. Commands are bounded and behind a breaker (redis-client.ts); the layout is in
 * redis-records.ts.
 */
export function createRedisStore(options: RedisStoreOptions): SessionStore {
  const { sealer, logger, logs } = options;
  const client = createRedisClient(options);
  const records = sessionRecords(client, options.prefix ?? 'horizon:');
  const revalidation = createRevalidation({ ...options, records });

  const sidOf = (cookieValue: string): string | undefined => {
    try {
      const sid = (sealer.open(PURPOSE, cookieValue) as { sid?: unknown }).sid;
      return typeof sid === 'string' ? sid : undefined;
    } catch {
      return undefined;
    }
  };

  return {
    available: client.available,
    async create(session, tokens) {
      const record = { session, refreshToken: tokens.refreshToken, validatedAt: session.createdAt };
      await records.create(record, session.createdAt + options.absoluteSeconds, session.createdAt);
      return sealer.seal(PURPOSE, { sid: session.sid });
    },
    async read(cookieValue, now) {
      const sid = sidOf(cookieValue);
      if (sid === undefined) return undefined;
      const record = await records.load(sid);
      // Sessions from before host binding have no host: they end (one more sign-in).
      if (!record || typeof record.session.host !== 'string' || expired(record.session, options, now))
        return undefined;
      if (now - record.session.renewedAt >= TOUCH_SECONDS) {
        record.session.renewedAt = now;
        records
          .touch(sid, now)
          .catch((err) => logs.warn(logger, 'session-touch', { err }, 'cannot touch the session'));
      }
      revalidation.startIfDue(record, now);
      return record.session;
    },
    renew: () => undefined,
    async revoke(session) {
      await records.remove(session.sid, 'revoke the session');
    },
    async close() {
      await revalidation.settled();
      client.close();
    },
  };
}
