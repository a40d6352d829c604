import { createLogger } from '@horizon/shared';
import { type RunningProgram, startRedis, stopAllPrograms, waitFor } from '@horizon/test/harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authError } from '../../src/errors.ts';
import { createLogLimiter } from '../../src/log-limit.ts';
import { createRedisStore } from '../../src/session/redis-store.ts';
import { createSealer, decodeKeys } from '../../src/session/seal.ts';
import type { Revalidated, Session } from '../../src/session/types.ts';
import { KEY } from '../auth-config.ts';

const T = 1_800_000_000;
const identity = { sub: 'u-bob', user: 'bob', groups: ['family'] };
const bob = (sid: string, over: Partial<Session> = {}): Session => ({
  sid,
  ...identity,
  host: 'pdf.localhost',
  createdAt: T,
  renewedAt: T,
  ...over,
});

describe('users re-validated once across sessions and replicas, and their races (real redis-server, the provider scripted)', () => {
  let redis: RunningProgram;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(() => stopAllPrograms());

  /** A store (a replica) on Redis database `db` whose re-validations `revalidate` answers. */
  const replicaOptions = (
    db: number,
    revalidate: (token: string) => Promise<Revalidated> = held().revalidate,
  ) => ({
    url: `redis://127.0.0.1:${redis.port}/${db}`,
    sealer: createSealer(decodeKeys([KEY])),
    logger: createLogger({ level: 'silent', format: 'json' }, { service: 'authproxy', isTty: false }),
    idleSeconds: 3600,
    absoluteSeconds: 86400,
    revalidateSeconds: 60,
    timeoutMs: 900,
    providerTimeoutMs: 5000,
    logs: createLogLimiter(),
    revalidate,
  });
  const replica = (db: number, revalidate: (token: string) => Promise<Revalidated>) =>
    createRedisStore(replicaOptions(db, revalidate));
  /** A provider whose answers the test releases one by one. */
  const held = () => {
    const tokens: string[] = [];
    const waiting: ((v: Revalidated | Error) => void)[] = [];
    const revalidate = (token: string) => {
      tokens.push(token);
      return new Promise<Revalidated>((resolve, reject) =>
        waiting.push((v) => (v instanceof Error ? reject(v) : resolve(v))),
      );
    };
    const release = (v: Revalidated | Error) => (waiting.shift() as (v: Revalidated | Error) => void)(v);
    return { tokens, waiting, revalidate, release };
  };

  it('refreshes once per user, however many sessions; the next uses the rotated token', async () => {
    const provider = held();
    const store = replica(1, provider.revalidate);
    const a = await store.create(bob('a'), { refreshToken: 'rt1' });
    const b = await store.create(bob('b', { createdAt: T + 1, renewedAt: T + 1 }), { refreshToken: 'rt2' });
    await store.read(a, T + 62); // due: starts the user's re-validation, with the latest sign-in's chain
    await store.read(b, T + 62);
    await waitFor('one re-validation held', () => provider.waiting.length === 1 || undefined);
    provider.release({ identity: { ...identity, groups: ['family', 'admins'] }, refreshToken: 'rt3' });
    await store.redis.users.settled();
    expect((await store.read(a, T + 63))?.groups).toEqual(['family', 'admins']); // every session sees the new groups
    await store.read(b, T + 130);
    await waitFor('the next re-validation', () => provider.waiting.length === 1 || undefined);
    provider.release({ identity, refreshToken: 'rt4' });
    await store.close();
    expect(provider.tokens).toEqual(['rt2', 'rt3']);
  });

  it('waits for the replica that holds the lock, and takes its result, not a second refresh', async () => {
    const provider = held();
    const [one, two] = [replica(2, provider.revalidate), replica(2, provider.revalidate)];
    await one.create(bob('c'), { refreshToken: 'rt1' });
    const first = one.redis.users.current('u-bob', T + 61);
    await waitFor('the first replica at the provider', () => provider.waiting.length === 1 || undefined);
    const second = two.redis.users.current('u-bob', T + 61);
    provider.release({ identity: { ...identity, name: 'Bob B.' }, refreshToken: 'rt2' });
    expect([(await first)?.identity.name, (await second)?.identity.name]).toEqual(['Bob B.', 'Bob B.']);
    expect(provider.tokens).toEqual(['rt1']);
    await Promise.all([one.close(), two.close()]);
  });

  it('a refusal ends every session of the user; sign-out everywhere during a re-validation stays one', async () => {
    const provider = held();
    const store = replica(3, provider.revalidate);
    const c = await store.create(bob('d'), { refreshToken: 'rt1' });
    const refused = store.redis.users.current('u-bob', T + 61);
    await waitFor('held', () => provider.waiting.length === 1 || undefined);
    provider.release(authError('E_PROVIDER_REJECTED', 'invalid_grant'));
    expect(await refused).toMatchObject({ refused: true });
    expect(await store.read(c, T + 62)).toBeUndefined();
    // Signed in again (re-enabled): a new chain, refused cleared. Then everything ends while a re-validation runs.
    const d = await store.create(bob('e', { createdAt: T + 100, renewedAt: T + 100 }), {
      refreshToken: 'rt2',
    });
    expect((await store.read(d, T + 101))?.user).toBe('bob');
    const late = store.redis.users.current('u-bob', T + 200);
    await waitFor('held again', () => provider.waiting.length === 1 || undefined);
    await store.revokeUser?.('u-bob');
    provider.release({ identity, refreshToken: 'rt3' });
    expect(await late).toBeUndefined();
    expect(await store.redis.userRecords.load('u-bob')).toBeUndefined(); // the late answer did not bring the user back
    expect(await store.read(d, T + 201)).toBeUndefined();
    await store.close();
  });

  it('runs at most 64 re-validations at once; a due user past them waits for a later request', async () => {
    const provider = held();
    const store = replica(4, provider.revalidate);
    const cookies: string[] = [];
    for (let i = 0; i < 70; i++) {
      const who = { sub: `u-${i}`, user: `user${i}`, groups: [] };
      cookies.push(await store.create({ ...bob(`due-${i}`), ...who }, { refreshToken: `rt-${i}` }));
    }
    for (const c of cookies) expect((await store.read(c, T + 61))?.user).toMatch(/^user/);
    await waitFor('64 held', () => provider.waiting.length === 64 || undefined);
    while (provider.waiting.length > 0) provider.release({ identity: { sub: 'x', user: 'x', groups: [] } });
    await waitFor('the rest started by later requests', async () => {
      for (const c of cookies.slice(64)) await store.read(c, T + 62);
      return provider.waiting.length === 6 || undefined;
    });
    while (provider.waiting.length > 0) provider.release({ identity: { sub: 'x', user: 'x', groups: [] } });
    await store.close();
  });

  it('refreshes an access token about to expire once, and keeps one that is still good', async () => {
    const provider = held();
    const store = replica(5, provider.revalidate);
    await store.create(bob('f'), { refreshToken: 'rt1', accessToken: 'at1', accessExpiresIn: 3600 });
    expect((await store.redis.users.withFreshToken('u-bob', T + 10))?.accessToken).toBe('at1');
    const fresh = store.redis.users.withFreshToken('u-bob', T + 3550);
    const again = store.redis.users.withFreshToken('u-bob', T + 3550);
    await waitFor('one refresh', () => provider.waiting.length === 1 || undefined);
    provider.release({ identity, refreshToken: 'rt2', accessToken: 'at2', accessExpiresIn: 3600 });
    expect([(await fresh)?.accessToken, (await again)?.accessToken]).toEqual(['at2', 'at2']);
    expect(provider.tokens).toEqual(['rt1']);
    await store.close();
  });

  it("counts the sessions for the status page, by SCAN, up to a limit, and no other prefix's keys", async () => {
    const store = replica(6, held().revalidate);
    const other = createRedisStore({ ...replicaOptions(6), prefix: 'other[*]:' });
    for (const sid of ['c1', 'c2', 'c3']) await store.create(bob(sid), { refreshToken: `rt-${sid}` });
    await other.create(bob('x1'), { refreshToken: 'rt-x' });
    const counter = store.redis?.sessions;
    expect(await counter?.count(10_000)).toEqual({ count: 3, more: false });
    expect(await counter?.count(2)).toEqual({ count: 2, more: true });
    expect(await other.redis?.sessions.count(10_000)).toEqual({ count: 1, more: false });
    await store.close();
    await other.close();
  });
});
