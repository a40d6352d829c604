import { randomBytes } from 'node:crypto';
import { type RunningProgram, startRedis } from '@horizon/test/harness';
import { afterAll, describe, expect, it } from 'vitest';
import { basic, makePassword } from './app-password-page.ts';
import { FRONTS, type FrontName, withAppPasswords } from './fronts.ts';
import type { Case } from './invariants.ts';
import { useFronts } from './suite.ts';

/**
 * App passwords under attack, through every front (issue 16's security cases; revocation replay,
 * another host and another user are app-passwords.test.ts's, forged client addresses for client
 * networks networks.test.ts's): guessing is refused with 429 past 4 failures per client address
 * (as the front reports it: a written X-Forwarded-For moves no one to a fresh budget) and past 6
 * per user name from any number of addresses, counted across fronts; a guess nginx sends twice
 * (auth_request, then error_page's replay) counts once; a password verified before the flood keeps
 * working for its owner, one not yet used waits for the window to end.
 */
let redis: RunningProgram | undefined;
const suite = useFronts(async () => {
  redis = await startRedis();
  return {
    overrides: {
      ...withAppPasswords(redis.port),
      'appPasswords.failuresPerClient': 4,
      'appPasswords.failuresPerUser': 6,
      'appPasswords.windowSeconds': 600,
      // Long enough that "verified before" cannot lapse while the test runs on a loaded machine.
      'session.cacheSeconds': 300,
    },
  };
});
afterAll(() => redis?.stop());

/** A password in the right format that no one made. */
const guess = () =>
  `hzp_${'a'.repeat(13)}_${randomBytes(20)
    .toString('hex')
    .slice(0, 32)
    .replace(/[01890]/g, 'q')}`;

const attempt = (name: FrontName, authorization: string, from: string, extra: [string, string][] = []) => {
  const c: Case = {
    host: 'files.localhost',
    target: '/data/report.csv',
    passwordOf: 'bob',
    from,
    headers: [['Authorization', authorization], ...extra],
  };
  return suite.send(suite.front(name), c);
};

describe('app passwords brute-forced', () => {
  it.each(FRONTS.map((name, i) => [name, i + 1] as const))(
    'through %s: one client address is refused with 429 past its budget, whatever address it writes',
    async (name, i) => {
      const { browser, origin } = await suite.fronts().signIn('bob', 'files.localhost');
      const real = await makePassword(browser, origin, `real for ${name}`);
      const attacker = `127.0.3.${i}`;
      for (let n = 0; n < 4; n++) {
        const res = await attempt(name, `Bearer ${guess()}`, attacker);
        // nginx replays a refusal (error_page): the replay of the guess that spent the budget says so.
        expect([n, res.status]).toEqual([n, n === 3 && name === 'nginx' ? 429 : 401]);
      }
      for (const forged of [[], [['X-Forwarded-For', `127.0.9.${i}`]], [['X-Real-IP', `127.0.9.${i}`]]] as [
        string,
        string,
      ][][]) {
        const res = await attempt(name, basic('bob', real), attacker, forged);
        expect([forged, res.status]).toEqual([forged, 429]);
        expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
        expect(suite.reached(suite.front(name), suite.last())).toBe(false);
      }
      expect((await attempt(name, basic('bob', real), `127.0.4.${i}`)).status).toBe(200);
      expect(suite.violations(suite.front(name))).toEqual([]);
    },
  );

  it("one user's budget is spent from many addresses across fronts; passwords verified before keep working", async () => {
    const { browser, origin } = await suite.fronts().signIn('alice', 'files.localhost');
    const used = await makePassword(browser, origin, 'in use', 'host:files.localhost', 'alice');
    const unused = await makePassword(browser, origin, 'not used yet', 'host:files.localhost', 'alice');
    expect((await attempt('gateway', basic('alice', used), '127.0.5.1')).status).toBe(200);
    for (let n = 0; n < 6; n++) {
      const name = FRONTS[n % FRONTS.length] as FrontName;
      const res = await attempt(name, basic('alice', guess()), `127.0.6.${n + 1}`);
      expect([name, res.status]).toEqual([name, 401]);
    }
    for (const name of FRONTS) {
      const fresh = await attempt(name, basic('alice', unused), '127.0.7.1');
      expect([name, fresh.status, fresh.body]).toEqual([name, 429, expect.stringContaining('user name')]);
      expect((await attempt(name, basic('alice', used), '127.0.5.1')).status).toBe(200);
    }
    const bob = await makePassword(
      (await suite.fronts().signIn('bob', 'files.localhost')).browser,
      origin,
      'bob is not alice',
    );
    expect((await attempt('nginx', basic('bob', bob), '127.0.7.1')).status).toBe(200);
  });
});
