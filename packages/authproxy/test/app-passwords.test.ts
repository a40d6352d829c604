import { createMetricsRegistry } from '@horizon/shared';
import { Browser, type RunningProgram, rawRequest, startRedis, waitFor } from '@horizon/test/harness';
import { afterAll, describe, expect, it } from 'vitest';
import { basic, makePassword, revoke } from './app-password-page.ts';
import { FRONTS, type FrontName, withAppPasswords } from './fronts.ts';
import { authConfig, startApp } from './helpers.ts';
import { one } from './invariants.ts';
import { useFronts } from './suite.ts';

/**
 * App passwords end to end through every front (issue 16), with the development provider set up
 * like Pocket-ID and Redis: bob makes one on files.localhost's app-passwords page, a script uses
 * it (Basic and Bearer) and reaches the app as bob, never showing the app the password; it does
 * not work on another host or as another user, stops at once when revoked (on every replica:
 * see session/redis-store.test.ts for the other replica), and stops when the provider disables
 * its owner. Brute force is security.test.ts's.
 */
let redis: RunningProgram | undefined;
let skew = 0;
const suite = useFronts(async () => {
  redis = await startRedis();
  return {
    overrides: {
      ...withAppPasswords(redis.port),
      'session.revalidateSeconds': 60,
      'appPasswords.failuresPerClient': 100,
    },
    deps: { now: () => Math.floor(Date.now() / 1000) + skew },
  };
});
afterAll(() => redis?.stop());

describe('app passwords', () => {
  const script = async (name: FrontName, authorization: string, host = 'files.localhost', from?: string) => {
    const front = suite.front(name);
    const res = await suite.send(front, {
      host,
      target: '/data/report.csv',
      passwordOf: 'bob',
      headers: [['Authorization', authorization]],
      ...(from ? { from } : {}),
    });
    const got = front.received().find((r) => one(r.headers['x-case']) === String(suite.last()));
    return { status: res.status, got, res };
  };

  it.each(FRONTS)(
    'a script reaches the app as its owner through %s (Basic and Bearer), and the app never sees the password',
    async (name) => {
      const { browser, origin } = await suite.fronts().signIn('bob', 'files.localhost');
      const password = await makePassword(browser, origin, `script via ${name}`);
      for (const authorization of [
        basic('bob', password),
        `Bearer ${password}`,
        basic('bob@example.com', password),
      ]) {
        const { status, got } = await script(name, authorization);
        expect(status).toBe(200);
        expect([
          one(got?.headers['x-auth-request-user']),
          one(got?.headers['x-auth-request-access']),
        ]).toEqual(['bob', 'app-password']);
        expect(one(got?.headers.authorization) ?? '').toBe(''); // Caddy 2.6 passes it empty, the others none
      }
      const list = await browser.send('GET', `${origin}/oauth2/app-passwords`);
      expect(list.body).toContain(`script via ${name}`);
      expect(list.body).not.toMatch(/<td>never<\/td><td>[^<]*<\/td><td><form/); // it has been used: a last-used time
      expect(suite.violations(suite.front(name))).toEqual([]);
    },
  );

  it.each(FRONTS)(
    'through %s: not as another user, not on another host, not where a policy takes none',
    async (name) => {
      const { browser, origin } = await suite.fronts().signIn('bob', 'files.localhost');
      const password = await makePassword(browser, origin, `scoped via ${name}`);
      expect((await script(name, basic('alice', password))).status).toBe(401);
      const other = await script(name, basic('bob', password), 'lenient.localhost'); // takes app passwords, but this one is for files
      expect(other.status).toBe(403);
      expect(other.res.body).toContain('This app password is for another app.');
      const none = await script(name, `Bearer ${password}`, 'pdf.localhost');
      expect([none.status, none.res.headers['www-authenticate']]).toEqual([
        401,
        expect.stringContaining('invalid_token'),
      ]);
      expect(suite.violations(suite.front(name))).toEqual([]);
    },
  );

  it('revoked: every front refuses it at once, and the page lists it no more', async () => {
    const { browser, origin } = await suite.fronts().signIn('bob', 'files.localhost');
    const password = await makePassword(browser, origin, 'to revoke');
    for (const name of FRONTS) expect((await script(name, basic('bob', password))).status).toBe(200);
    const back = await revoke(browser, origin, password);
    expect([back.status, back.headers.location]).toEqual([302, `${origin}/oauth2/app-passwords`]);
    for (const name of FRONTS) {
      const replay = await script(name, basic('bob', password));
      expect([name, replay.status, replay.got]).toEqual([name, 401, undefined]);
    }
    expect((await browser.send('GET', `${origin}/oauth2/app-passwords`)).body).not.toContain('to revoke');
  });

  type Bob = { disabled?: boolean; groups: string[] };
  const disable = (bob: Bob): void => {
    bob.disabled = true;
  };
  const ungroup = (bob: Bob): void => {
    bob.groups = [];
  };
  it.each([
    ['the provider disables its owner', disable, 401],
    ["its owner loses the policy's group at the provider", ungroup, 403],
  ] as const)('stops when %s, within the re-validation interval', async (how, change, status) => {
    skew = 0; // an ID token must be issued after its login began, by the service's clock
    const { browser, origin } = await suite.fronts().signIn('bob', 'files.localhost');
    const password = await makePassword(browser, origin, `until ${how}`);
    expect((await script('gateway', basic('bob', password))).status).toBe(200);
    const bob = suite.fronts().op.accounts.get('u-bob') as Bob;
    const before = structuredClone(bob);
    change(bob);
    try {
      skew += 61; // past session.revalidateSeconds: the next check that asks Redis re-validates, and waits for it
      for (const name of FRONTS) {
        const after = await script(name, basic('bob', password));
        expect([name, after.status, after.got]).toEqual([name, status, undefined]);
      }
    } finally {
      bob.disabled = before.disabled;
      bob.groups = before.groups;
    }
  });

  it('revoked on one replica: another that verified it a moment ago, and trusts that for minutes, refuses it at once', async () => {
    skew = 0;
    const registry = createMetricsRegistry('authproxy');
    const other = await startApp(
      authConfig({
        'oidc.issuer': suite.fronts().op.issuer,
        ...withAppPasswords(redis?.port as number),
        'session.cacheSeconds': 300,
      }),
      { registry, now: () => Math.floor(Date.now() / 1000) + skew },
    );
    try {
      await waitFor(
        'the other replica hearing revocations',
        async () =>
          /^horizon_authproxy_revocations_listening\{[^}]*\} 1$/m.test(await registry.metrics()) || undefined,
      );
      const { browser, origin } = await suite.fronts().signIn('bob', 'files.localhost');
      const password = await makePassword(browser, origin, 'two replicas');
      // A check as Envoy sends it, straight to the other replica.
      const check = () =>
        rawRequest({
          port: Number(new URL(other.url).port),
          target: '/data',
          headers: [
            ['Host', 'files.localhost'],
            ['Authorization', basic('bob', password)],
            ['X-Forwarded-For', '127.0.0.9'],
          ],
        });
      expect((await check()).status).toBe(200);
      expect((await revoke(browser, origin, password)).status).toBe(302); // on the suite's replica
      expect((await check()).status).toBe(401);
    } finally {
      await other.app.close();
    }
  });

  it.each(FRONTS)(
    'through %s: a signed-in browser that also sends an app password passes as itself, and the app gets no password',
    async (name) => {
      skew = 0;
      const { browser, origin } = await suite.fronts().signIn('bob', 'files.localhost');
      const password = await makePassword(browser, origin, `beside a session via ${name}`);
      const front = suite.front(name);
      const res = await suite.send(front, {
        user: 'alice',
        host: 'files.localhost',
        target: '/data',
        headers: [['Authorization', basic('bob', password)]],
      });
      expect(res.status).toBe(200);
      const got = front.received().find((r) => one(r.headers['x-case']) === String(suite.last()));
      expect([one(got?.headers['x-auth-request-user']), one(got?.headers.authorization) ?? '']).toEqual([
        'alice',
        '',
      ]);
      // Nor on a public path, where no one is asked who they are.
      const open = await suite.send(front, {
        host: 'lenient.localhost',
        target: '/static/app.js',
        headers: [['Authorization', `Bearer ${password}`]],
      });
      expect(open.status).toBe(200);
      const seen = front.received().find((r) => one(r.headers['x-case']) === String(suite.last()));
      expect([one(seen?.headers['x-auth-request-access']), one(seen?.headers.authorization) ?? '']).toEqual([
        'public',
        '',
      ]);
      expect(suite.violations(front)).toEqual([]);
    },
  );

  it.each(['gateway', 'nginx', 'caddy'] as const)(
    'the page works through %s itself: sign in there, make one, use it there',
    async (name) => {
      skew = 0;
      const browser = new Browser();
      const origin = suite.fronts().origin(name, 'files.localhost');
      const page = await browser.signInAs(await browser.navigate(`${origin}/oauth2/app-passwords`), 'bob');
      expect([page.status, page.url, page.body]).toEqual([
        403, // the service's own page: a 2xx would send the request on to the app
        `${origin}/oauth2/app-passwords`,
        expect.stringContaining('Signed in as <b>bob</b>'),
      ]);
      const password = await makePassword(browser, origin, `made via ${name}`);
      expect((await script(name, basic('bob', password))).status).toBe(200);
    },
  );

  it('signs out everywhere: every session of the user, in any browser and on any host, and every app password, through every front', async () => {
    skew = 0;
    const { browser, origin } = await suite.fronts().signIn('bob', 'files.localhost');
    const password = await makePassword(browser, origin, 'until everywhere');
    const other = await suite.fronts().signIn('bob', 'lenient.localhost'); // another browser, another host
    const session = other.browser.cookie('lenient.localhost', 'horizon') as string;
    const asOther = (name: FrontName) =>
      suite.front(name).send({
        target: '/x',
        headers: [
          ['Host', `lenient.localhost:${suite.front(name).port}`],
          ['Cookie', `horizon=${session}`],
          ['Accept', 'application/json'],
        ],
      });
    for (const name of FRONTS) {
      expect((await asOther(name)).status).toBe(200);
      expect((await script(name, basic('bob', password))).status).toBe(200);
    }
    const list = await browser.send('GET', `${origin}/oauth2/app-passwords`);
    const action = /<form method="post" action="([^"]*op=sign-out-everywhere[^"]*)"/.exec(
      list.body,
    )?.[1] as string;
    await browser.send('POST', new URL(action.replaceAll('&#38;', '&'), `${origin}/`).href, {
      body: '',
      site: 'same-origin',
    });
    for (const name of FRONTS) {
      expect([name, (await asOther(name)).status]).toEqual([name, 401]);
      expect([name, (await script(name, basic('bob', password))).status]).toEqual([name, 401]);
    }
  });
});
