import { type RunningProgram, startRedis } from '@horizon/test/harness';
import { afterAll, describe, expect, it } from 'vitest';
import { basic, makePassword, revoke } from './app-password-page.ts';
import { startBuilt } from './built-service.ts';
import { FRONTS, type FrontName, withAppPasswords } from './fronts.ts';
import { one } from './invariants.ts';
import { useFronts } from './suite.ts';

/**
 * Issue 16 against the production build as the image runs it (built-service.ts), through every
 * front: a script's app password reaches the app as its owner and never the password, stops at
 * once when revoked, guessing is refused with 429 whatever address the guesser writes, and the
 * LAN passes without an identity while an address a client writes moves no one into it.
 */
let redis: RunningProgram | undefined;
const suite = useFronts(async () => {
  redis = await startRedis();
  return {
    overrides: { ...withAppPasswords(redis.port), 'appPasswords.failuresPerClient': 3 },
    startService: startBuilt,
  };
});
afterAll(() => redis?.stop());

const send = (name: FrontName, headers: [string, string][], from?: string, host = 'files.localhost') =>
  suite.send(suite.front(name), {
    host,
    target: '/data',
    passwordOf: 'bob',
    headers,
    ...(from ? { from } : {}),
  });
const got = (name: FrontName) =>
  suite
    .front(name)
    .received()
    .find((r) => one(r.headers['x-case']) === String(suite.last()));

describe('the production build through every front', () => {
  it('an app password reaches the app as its owner, never itself, until it is revoked', async () => {
    const { browser, origin } = await suite.fronts().signIn('bob', 'files.localhost');
    const password = await makePassword(browser, origin, 'built');
    for (const name of FRONTS) {
      expect((await send(name, [['Authorization', basic('bob', password)]])).status).toBe(200);
      expect([
        one(got(name)?.headers['x-auth-request-user']),
        one(got(name)?.headers.authorization) ?? '',
      ]).toEqual(['bob', '']);
    }
    await revoke(browser, origin, password);
    for (const name of FRONTS)
      expect([name, (await send(name, [['Authorization', basic('bob', password)]])).status]).toEqual([
        name,
        401,
      ]);
  });

  it.each(FRONTS.map((name, i) => [name, i + 1] as const))(
    'through %s: guesses past the budget are 429, whatever address the guesser writes',
    async (name, i) => {
      // Passwords in the right format that no one made, each a new guess.
      const guess = (n: number) =>
        basic('bob', `hzp_${'b'.repeat(13)}_${'c'.repeat(30)}${'defg'[i - 1]}${'hijk'[n]}`);
      for (let n = 0; n < 3; n++) await send(name, [['Authorization', guess(n)]], `127.0.8.${i}`);
      const forged: [string, string][] = [
        ['Authorization', guess(3)],
        ['X-Forwarded-For', `127.0.9.${i}`],
      ];
      const past = await send(name, forged, `127.0.8.${i}`);
      expect(past.status).toBe(429);
    },
  );

  it.each(FRONTS)(
    'through %s: the LAN passes without an identity; a written address does not',
    async (name) => {
      expect((await send(name, [], '127.0.1.5', 'lan.localhost')).status).toBe(200);
      expect(one(got(name)?.headers['x-auth-request-access'])).toBe('network');
      expect((await send(name, [['X-Forwarded-For', '127.0.1.5']], undefined, 'lan.localhost')).status).toBe(
        401,
      );
      expect(suite.violations(suite.front(name))).toEqual([]);
    },
  );
});
