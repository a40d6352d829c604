import { type Clock, hasCode, type Logger, systemClock } from '@horizon/shared';
import { Redis } from 'ioredis';
import { authError } from '../errors.ts';
import type { LogLimiter } from '../log-limit.ts';
import { createBreaker } from './breaker.ts';

export interface RedisClientOptions {
  url: string;
  /** Longest wait for one command, ms (`session.storeTimeoutMs`). */
  timeoutMs: number;
  logger: Logger;
  logs: LogLimiter;
  /** The breaker's clock (how long it stays open). Default: the system's. */
  clock?: Clock;
}

/** The connection to Redis, every command bounded and behind the breaker. */
export interface RedisClient {
  redis: Redis;
  /** Runs one Redis call, bounded, through the breaker; every failure is E_SESSION_STORE naming `what`. */
  call<T>(what: string, run: (redis: Redis) => Promise<T>): Promise<T>;
  /** False while the breaker fails calls at once. */
  available(): boolean;
  close(): void;
}

/**
 * Every command is bounded by commandTimeout, waiting for a connection included (ioredis arms it
 * before the offline queue, which covers the first milliseconds after start), and none is
 * retried: a check fails within the timeout, never hangs on a dead or stopped Redis. The client
 * reconnects by itself, at most a second apart; the breaker keeps checks from queueing.
 */
export function createRedisClient(o: RedisClientOptions): RedisClient {
  const redis = new Redis(o.url, {
    commandTimeout: o.timeoutMs,
    connectTimeout: Math.max(1000, 4 * o.timeoutMs),
    maxRetriesPerRequest: 0,
    retryStrategy: (times) => Math.min(100 * times, 1000),
  });
  redis.on('error', (err) => {
    const fields = { err: authError('E_SESSION_STORE', 'redis error', err) };
    o.logs.warn(o.logger, 'session-store', fields, 'session store error');
  });
  const breaker = createBreaker({ now: (o.clock ?? systemClock).now });
  return {
    redis,
    call: (what, run) =>
      breaker
        .run(() => run(redis))
        .catch((err: unknown) => {
          throw hasCode(err, 'E_SESSION_STORE') ? err : authError('E_SESSION_STORE', `cannot ${what}`, err);
        }),
    available: breaker.available,
    close: () => redis.disconnect(),
  };
}
