import { describe, expect, it } from 'vitest';
import type { Limiter, Spent } from '../../src/app-passwords/limiter.ts';
import type { AppPassword, AppPasswordRecords } from '../../src/app-passwords/records.ts';
import { newAppPassword, presented } from '../../src/app-passwords/token.ts';
import { createAppPasswordVerifier } from '../../src/app-passwords/verifier.ts';
import type { Invalidated, Invalidation } from '../../src/session/invalidation.ts';
import type { UserRecord } from '../../src/session/user-records.ts';
import type { Users } from '../../src/session/users.ts';
import { NOW } from '../fixtures.ts';

const bob = { sub: 'u-bob', user: 'bob', email: 'bob@example.com', groups: ['family'] };

/** The verifier over records, users, a limiter and revocations held in memory, each call noted. */
function setup(over: { user?: Partial<UserRecord>; spent?: Spent; listening?: boolean } = {}) {
  const made = newAppPassword();
  const record: AppPassword = {
    id: made.id,
    sub: 'u-bob',
    user: 'bob',
    name: 'phone',
    scope: { host: 'files.localhost' },
    createdAt: NOW - 100,
    hash: made.hash,
  };
  const calls: string[] = [];
  const records = {
    load: async (id: string) => {
      calls.push(`load ${id}`);
      return id === record.id ? record : undefined;
    },
    touch: async () => calls.push('touch'),
  } as unknown as AppPasswordRecords;
  const users = {
    current: async () => {
      calls.push('user');
      return { identity: bob, validatedAt: NOW - 10, refreshToken: 'rt', ...over.user };
    },
  } as unknown as Users;
  const limiter: Limiter = {
    known: () => undefined,
    check: async () => over.spent,
    failed: async (client, user) => void calls.push(`failed ${client} ${user}`),
  };
  let listener: (w: Invalidated | 'everything') => void = () => undefined;
  const invalidation: Invalidation = {
    publish: async () => undefined,
    on: (l) => {
      listener = l;
    },
    listening: () => over.listening ?? true,
    close: () => undefined,
  };
  const verifier = createAppPasswordVerifier({
    records,
    users,
    limiter,
    invalidation,
    cacheSeconds: 5,
    size: 100,
    revalidateSeconds: 300,
  });
  const header = `Bearer ${made.password}`;
  const given = presented(header) as NonNullable<ReturnType<typeof presented>>;
  return { verifier, header, given, made, record, calls, revoke: (w: Invalidated) => listener(w) };
}

describe('verifying app passwords', () => {
  it('verifies against the record and the owner, then answers from memory until a revocation', async () => {
    const s = setup();
    expect(await s.verifier.verify(s.header, s.given, '10.0.0.1', NOW)).toMatchObject({
      identity: bob,
      password: { id: s.made.id },
    });
    const hit = s.verifier.verify(s.header, s.given, '10.0.0.1', NOW + 4);
    expect(hit).not.toBeInstanceOf(Promise);
    expect(s.calls.filter((c) => c.startsWith('load'))).toHaveLength(1);
    s.revoke({ kind: 'app-password', id: s.made.id });
    expect(s.verifier.verify(s.header, s.given, '10.0.0.1', NOW + 4)).toBeInstanceOf(Promise);
  });

  it('asks again after cacheSeconds, and trusts no memory while revocations cannot be heard', async () => {
    const s = setup({ listening: false });
    await s.verifier.verify(s.header, s.given, 'c', NOW);
    expect(s.verifier.verify(s.header, s.given, 'c', NOW + 1)).toBeInstanceOf(Promise);
    const t = setup();
    await t.verifier.verify(t.header, t.given, 'c', NOW);
    expect(t.verifier.verify(t.header, t.given, 'c', NOW + 5)).toBeInstanceOf(Promise);
  });

  it('counts a wrong secret, an unknown id and a user name of someone else against the client and that user', async () => {
    const s = setup();
    const wrong = `${s.made.password.slice(0, -1)}${s.made.password.endsWith('a') ? 'b' : 'a'}`;
    expect(await s.verifier.verify(`Bearer ${wrong}`, { ...s.given, password: wrong }, 'c1', NOW)).toEqual({
      refused: 'invalid',
    });
    expect(await s.verifier.verify('x', { id: 'aaaaaaaaaaaaa', password: 'x' }, 'c2', NOW)).toEqual({
      refused: 'invalid',
    });
    expect(await s.verifier.verify('y', { ...s.given, user: 'alice' }, 'c3', NOW)).toEqual({
      refused: 'invalid',
    });
    expect(s.calls.filter((c) => c.startsWith('failed'))).toEqual([
      'failed c1 bob',
      'failed c2 undefined',
      'failed c3 alice',
    ]);
  });

  it('refuses an expired one, and the owner the provider refused or could not confirm, without counting a failure', async () => {
    const s = setup({ user: { refused: true } });
    expect(await s.verifier.verify(s.header, s.given, 'c', NOW)).toEqual({ refused: 'disabled' });
    const stale = setup({ user: { refreshToken: undefined, validatedAt: NOW - 301 } });
    expect(await stale.verifier.verify(stale.header, stale.given, 'c', NOW)).toEqual({ refused: 'disabled' });
    expect([...s.calls, ...stale.calls].filter((c) => c.startsWith('failed'))).toEqual([]);
    const old = setup();
    old.record.expiresAt = NOW;
    expect(await old.verifier.verify(old.header, old.given, 'c', NOW)).toEqual({ refused: 'invalid' });
  });

  it('refuses before looking anything up once a budget is spent', async () => {
    const s = setup({ spent: { by: 'client', retryAfter: 42 } });
    expect(await s.verifier.verify(s.header, s.given, 'c', NOW)).toEqual({
      refused: 'limited',
      spent: { by: 'client', retryAfter: 42 },
    });
    expect(s.calls).toEqual([]);
  });
});
