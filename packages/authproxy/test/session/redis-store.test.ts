import {
  Browser,
  echoed,
  type RunningProgram,
  startRedis,
  stopAllPrograms,
  waitFor,
} from '@horizon/test/harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authConfig, type Stack, startApp, startStack } from '../helpers.ts';

describe('Redis session store (real redis-server, real provider)', () => {
  let redis: RunningProgram;
  let stack: Stack;
  let skew = 0;
  let REDIS: Record<string, unknown>;
  const now = () => Math.floor(Date.now() / 1000) + skew;
  beforeAll(async () => {
    redis = await startRedis();
    REDIS = {
      'session.store': 'redis',
      'session.redisUrl': `redis://127.0.0.1:${redis.port}/0`,
      'session.cacheSeconds': 0,
      'session.revalidateSeconds': 60,
      // A loaded test machine stalls the event loop for longer than the 250 ms default.
      'session.storeTimeoutMs': 900,
    };
    stack = await startStack(REDIS, {}, { now });
  });
  afterAll(async () => {
    await stack?.close();
    await stopAllPrograms();
  });
  const user = async (browser: Browser, path = '/x') => {
    const page = await browser.send('GET', `${stack.app}${path}`, {
      headers: { accept: 'application/json', 'sec-fetch-mode': 'cors' },
    });
    return page.status === 200 ? echoed(page.body).headers['x-auth-request-user'] : page.status;
  };

  it("re-validates with rotated refresh tokens, once per period, and ends a disabled user's session", async () => {
    const alice = new Browser();
    await alice.signInAs(await alice.navigate(`${stack.app}/`), 'alice');
    const bob = new Browser();
    await bob.signInAs(await bob.navigate(`${stack.app}/`), 'bob');
    expect(await user(bob)).toBe('bob');
    (stack.op.accounts.get('u-bob') as { disabled?: boolean }).disabled = true;
    for (let round = 1; round <= 2; round++) {
      skew += 61;
      // The request past the period is still answered from the session; re-validation runs behind it.
      expect(await user(alice)).toBe('alice');
      // Each try is a request too: the previous period's re-validation may still be finishing (the
      // provider has answered, the store not yet written), and a due session waits for a later request.
      await waitFor('alice re-validated', async () => {
        await user(alice);
        return (stack.op.grants.get('refresh_token:ok') ?? 0) >= round || undefined;
      });
    }
    expect(stack.op.grants.get('refresh_token:ok')).toBe(2); // once per period
    expect(stack.op.grants.get('refresh_token:invalid_grant') ?? 0).toBe(0); // never a reused token
    await user(bob); // triggers bob's re-validation, which the provider refuses
    await waitFor(
      'bob refused',
      () => (stack.op.grants.get('refresh_token:invalid_grant') ?? 0) >= 1 || undefined,
    );
    expect(stack.op.grants.get('refresh_token:invalid_grant')).toBe(1);
    await waitFor('bob signed out', async () => ((await user(bob)) === 401 ? true : undefined));
    expect(await user(alice)).toBe('alice');
  });

  it('signs out everywhere: a copy of the cookie stops working too', async () => {
    skew = 0; // an ID token must be issued after its login began, by the service's clock
    const browser = new Browser();
    await browser.signInAs(await browser.navigate(`${stack.app}/`), 'alice');
    const copy = new Browser();
    copy.cookies.push(...browser.cookies.map((c) => ({ ...c })));
    expect(await user(copy)).toBe('alice');
    const out = await browser.send('GET', `${stack.app}/oauth2/sign_out`, { site: 'same-origin' });
    expect(out.body).toContain('Signing out');
    expect(await user(copy)).toBe(401);
  });

  it('signs out on every replica at once: a copy of the cookie another replica has just checked fails there too', async () => {
    skew = 0;
    // A second replica on the same Redis, trusting what it read for 60 s: only the revocation can end it.
    const other = await startApp(
      authConfig({ ...REDIS, 'oidc.issuer': stack.op.issuer, 'session.cacheSeconds': 60 }),
      { now },
    );
    try {
      const browser = new Browser();
      await browser.signInAs(await browser.navigate(`${stack.app}/`), 'alice');
      const cookie = `horizon=${browser.cookie('pdf.localhost', 'horizon')}`;
      const check = () =>
        other.app.inject({
          url: '/x',
          headers: { host: 'pdf.localhost', accept: 'application/json', cookie },
        });
      await waitFor(
        'the other replica listening',
        async () => (await check()).statusCode === 200 || undefined,
      );
      expect((await check()).headers['x-auth-request-user']).toBe('alice');
      const out = await browser.send('GET', `${stack.app}/oauth2/sign_out`, { site: 'same-origin' });
      expect(out.body).toContain('Signing out');
      expect((await check()).statusCode).toBe(401);
    } finally {
      await other.app.close();
    }
  });

  it('keeps 64 sessions per user: a sign-in past them ends one of the oldest', async () => {
    skew = 0;
    const browsers: Browser[] = [];
    for (let i = 0; i < 65; i++) {
      const b = new Browser();
      await b.signInAs(await b.navigate(`${stack.app}/`), 'eve'); // no session of eve's before
      browsers.push(b);
    }
    // eve is outside the policy: a live session is her 403, an ended one a 401. Sessions made in
    // the same second are equally old: which of them ends is Redis's choice.
    const answers = await Promise.all(browsers.map((b) => user(b)));
    expect(answers.filter((a) => a === 401)).toHaveLength(1);
    expect(answers.filter((a) => a === 403)).toHaveLength(64);
  });
});
