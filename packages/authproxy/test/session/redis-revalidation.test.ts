import { createLogger } from '@horizon/shared';
import { type RunningProgram, startRedis, stopAllPrograms, waitFor } from '@horizon/test/harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogLimiter } from '../../src/log-limit.ts';
import { createRedisStore } from '../../src/session/redis-store.ts';
import { createSealer, decodeKeys } from '../../src/session/seal.ts';
import type { Revalidated } from '../../src/session/types.ts';
import { KEY } from '../auth-config.ts';

describe('re-validating Redis sessions, and its races (real redis-server, the provider scripted)', () => {
  let redis: RunningProgram;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(() => stopAllPrograms());

  /** A store on Redis database `db` whose re-validations `revalidate` answers. */
  const openStore = (db: number, revalidate: (token: string) => Promise<Revalidated>) =>
    createRedisStore({
      url: `redis://127.0.0.1:${redis.port}/${db}`,
      sealer: createSealer(decodeKeys([KEY])),
      logger: createLogger({ level: 'silent', format: 'json' }, { service: 'authproxy', isTty: false }),
      idleSeconds: 3600,
      absoluteSeconds: 86400,
      revalidateSeconds: 60,
      timeoutMs: 900,
      logs: createLogLimiter(),
      revalidate,
    });

  it('a sign-out during a re-validation stays a sign-out; a touch never rewrites the rotated token', async () => {
    let release: (v: Revalidated) => void = () => undefined;
    const seen: string[] = [];
    const open = () =>
      openStore(1, (token) => {
        seen.push(token);
        return new Promise((resolve) => (release = resolve));
      });
    const T = 1_800_000_000;
    const session = {
      sid: 'race',
      sub: 'u-bob',
      user: 'bob',
      groups: ['family'],
      host: 'pdf.localhost',
      createdAt: T,
      renewedAt: T,
    };
    const identity = { sub: 'u-bob', user: 'bob', groups: ['family'] };

    // Rotation while requests keep touching the session: the next re-validation uses the new token.
    let store = open();
    const cookie = await store.create(session, { refreshToken: 'rt1' });
    await store.read(cookie, T + 61); // starts the re-validation (held) and touches
    await waitFor('re-validation held', () => seen.length === 1 || undefined);
    await store.read(cookie, T + 122); // touches again while it is held
    release({ identity, refreshToken: 'rt2' });
    await store.close();
    store = open();
    await store.read(cookie, T + 190);
    await waitFor('second re-validation', () => seen.length === 2 || undefined);
    release({ identity, refreshToken: 'rt3' });
    await store.close();
    expect(seen).toEqual(['rt1', 'rt2']);

    // Sign-out while a re-validation is held: the late answer must not bring the session back.
    store = open();
    const live = await store.read(cookie, T + 260);
    expect(live?.sid).toBe('race');
    await waitFor('third re-validation', () => seen.length === 3 || undefined);
    await store.revoke(session);
    release({ identity, refreshToken: 'rt4' });
    await store.close();
    store = open();
    expect(await store.read(cookie, T + 261)).toBeUndefined();
    await store.close();
  });

  it('runs at most 64 re-validations at once; a due session past them waits for a later request', async () => {
    const held: ((v: Revalidated) => void)[] = [];
    const store = openStore(2, () => new Promise((resolve) => held.push(resolve)));
    const T = 1_800_000_000;
    const cookies: string[] = [];
    for (let i = 0; i < 70; i++) {
      const session = {
        sid: `due-${i}`,
        sub: 'u-bob',
        user: 'bob',
        groups: [],
        host: 'pdf.localhost',
        createdAt: T,
        renewedAt: T,
      };
      cookies.push(await store.create(session, { refreshToken: `rt-${i}` }));
    }
    for (const c of cookies) expect((await store.read(c, T + 61))?.user).toBe('bob');
    await waitFor('64 held', () => held.length === 64 || undefined);
    const identity = { sub: 'u-bob', user: 'bob', groups: [] };
    for (const release of held.splice(0)) release({ identity, refreshToken: 'next' });
    await waitFor('the first ones done', async () => {
      for (const c of cookies.slice(64)) await store.read(c, T + 62);
      return held.length === 6 || undefined;
    });
    for (const release of held.splice(0)) release({ identity, refreshToken: 'next' });
    await store.close();
  });
});
