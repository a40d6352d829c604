import { createLogger } from '@horizon/shared';
import { type RunningProgram, startRedis, stopAllPrograms } from '@horizon/test/harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLimiter } from '../../src/app-passwords/limiter.ts';
import { createLogLimiter } from '../../src/log-limit.ts';
import { createRedisClient } from '../../src/session/redis-client.ts';
import { NOW } from '../fixtures.ts';

describe('failure budgets of app passwords (real redis-server)', () => {
  let redis: RunningProgram;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(() => stopAllPrograms());
  const limiterOn = (db: number) => {
    const client = createRedisClient({
      url: `redis://127.0.0.1:${redis.port}/${db}`,
      timeoutMs: 900,
      logger: createLogger({ level: 'silent', format: 'json' }, { service: 'authproxy', isTty: false }),
      logs: createLogLimiter(),
    });
    const limiter = createLimiter({
      client,
      prefix: 't:',
      failuresPerClient: 3,
      failuresPerUser: 5,
      windowSeconds: 60,
      size: 100,
    });
    return { limiter, client };
  };

  it('spends a client budget across replicas, then answers from memory until the window ends', async () => {
    const [a, b] = [limiterOn(1), limiterOn(1)];
    for (let i = 0; i < 2; i++) await a.limiter.failed('10.0.0.1', undefined, NOW);
    await b.limiter.failed('10.0.0.1', undefined, NOW); // the third, on the other replica
    expect(await a.limiter.check('10.0.0.1', undefined, NOW)).toEqual({
      by: 'client',
      retryAfter: expect.any(Number),
    });
    expect(a.limiter.known('10.0.0.1', undefined, NOW + 1)).toMatchObject({ by: 'client' });
    expect(a.limiter.known('10.0.0.1', undefined, NOW + 61)).toBeUndefined();
    expect(await a.limiter.check('10.0.0.2', undefined, NOW)).toBeUndefined();
    const ttl = await a.client.redis.ttl('t:failures:client:10.0.0.1');
    expect(ttl).toBeGreaterThan(50); // the window started with the first failure
    a.client.close();
    b.client.close();
  });

  it('spends a user budget from many clients, the name compared case-blind and cut to 128 characters', async () => {
    const { limiter, client } = limiterOn(2);
    for (let i = 0; i < 5; i++) await limiter.failed(`10.0.1.${i}`, i % 2 ? 'Bob' : 'bob', NOW);
    expect(await limiter.check('10.0.9.9', 'BOB', NOW)).toMatchObject({ by: 'user' });
    expect(await limiter.check('10.0.9.9', 'alice', NOW)).toBeUndefined();
    await limiter.failed('10.0.2.1', 'x'.repeat(5000), NOW);
    expect(await client.redis.exists(`t:failures:user:${'x'.repeat(128)}`)).toBe(1);
    client.close();
  });

  it('counts a guess sent again by the same client once in its window (nginx sends every refusal twice)', async () => {
    const { limiter, client } = limiterOn(3);
    for (let i = 0; i < 4; i++) await limiter.failed('10.0.3.1', 'bob', NOW, 'guess-1'); // auth_request + replay, twice
    expect(await client.redis.get('t:failures:client:10.0.3.1')).toBe('1');
    await limiter.failed('10.0.3.2', 'bob', NOW, 'guess-1'); // another client: its own count
    await limiter.failed('10.0.3.1', 'bob', NOW, 'guess-2');
    expect(await client.redis.get('t:failures:client:10.0.3.1')).toBe('2');
    expect(await client.redis.get('t:failures:user:bob')).toBe('3');
    await limiter.failed('10.0.3.1', 'bob', NOW + 61, 'guess-1'); // a window later it counts again
    expect(await client.redis.get('t:failures:client:10.0.3.1')).toBe('3');
    client.close();
  });

  it('counts an IPv6 client by its /64: rotating addresses inside it buys no fresh budget', async () => {
    const { limiter, client } = limiterOn(4);
    for (let i = 1; i <= 3; i++) await limiter.failed(`2001:db8:0:7::${i}`, undefined, NOW, `guess-${i}`);
    expect(await limiter.check('2001:db8:0:7:ffff::1', undefined, NOW)).toMatchObject({ by: 'client' });
    expect(await limiter.check('2001:db8:0:8::1', undefined, NOW)).toBeUndefined();
    client.close();
  });
});
