import { describe, expect, it } from 'vitest';
import type { Invalidated, Invalidation } from '../../src/session/invalidation.ts';
import { idpTokens } from '../../src/session/tokens.ts';
import type { UserRecord } from '../../src/session/user-records.ts';
import type { Users } from '../../src/session/users.ts';
import { NOW } from '../fixtures.ts';

const jwt = (exp: number) => `e30.${Buffer.from(JSON.stringify({ exp })).toString('base64url')}.s`;

describe("the users' IdP tokens", () => {
  const setup = (record: Partial<UserRecord> | undefined) => {
    const asked: number[] = [];
    const users = {
      withFreshToken: async (_sub: string, now: number) => {
        asked.push(now);
        return record && { identity: { sub: 'u', user: 'u', groups: [] }, validatedAt: now, ...record };
      },
    } as unknown as Users;
    let listener: (w: Invalidated | 'everything') => void = () => undefined;
    const invalidation = {
      on: (l: typeof listener) => (listener = l),
      listening: () => true,
    } as unknown as Invalidation;
    return { tokens: idpTokens(users, invalidation), asked, revoke: (w: Invalidated) => listener(w) };
  };

  it('hands out the access or ID token from memory while both are good for a minute more', async () => {
    const s = setup({ accessToken: 'at', accessExpiresAt: NOW + 3600, idToken: jwt(NOW + 1800) });
    expect(await s.tokens.token('u', 'access', NOW)).toBe('at');
    expect(s.tokens.token('u', 'id', NOW + 1739)).toBe(jwt(NOW + 1800));
    expect(s.tokens.token('u', 'access', NOW + 1740)).toBeInstanceOf(Promise); // the ID token's margin
    expect(s.asked).toEqual([NOW, NOW + 1740]);
  });

  it('has none for a user without a record or refused, and drops what it holds when the user is revoked', async () => {
    expect(await setup(undefined).tokens.token('u', 'access', NOW)).toBeUndefined();
    expect(
      await setup({ refused: true, accessToken: 'at' }).tokens.token('u', 'access', NOW),
    ).toBeUndefined();
    const s = setup({ accessToken: 'at', accessExpiresAt: NOW + 3600 });
    await s.tokens.token('u', 'access', NOW);
    s.revoke({ kind: 'user', id: 'u' });
    expect(s.tokens.token('u', 'access', NOW)).toBeInstanceOf(Promise);
  });
});
