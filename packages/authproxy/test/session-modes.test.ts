import { createMetricsRegistry } from '@horizon/shared';
import { Browser, manualClock, type RunningProgram, startRedis, waitFor } from '@horizon/test/harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Front, type Fronts, startFronts } from './fronts.ts';

/**
 * What each session store promises (the README's table), each promise through every front:
 * after sign-out, while the provider is down, and while the store is down or hung.
 */
describe.each(['cookie', 'redis'] as const)('%s sessions', (mode) => {
  let fronts: Fronts;
  let redis: RunningProgram | undefined;
  let skew = 0;
  const registry = createMetricsRegistry('authproxy');
  // What the service remembers a while runs on it: the provider's answer (1 s, a failure 5 s) and
  // the store breaker's open window (2 s). The tests move it past each instead of waiting.
  const clock = manualClock();
  beforeAll(async () => {
    redis = mode === 'redis' ? await startRedis() : undefined;
    const store = redis
      ? {
          'session.store': 'redis',
          'session.redisUrl': `redis://127.0.0.1:${redis.port}/0`,
          'session.cacheSeconds': 0,
          'session.revalidateSeconds': 60,
        }
      : {};
    fronts = await startFronts(store, {
      registry,
      now: () => Math.floor(Date.now() / 1000) + skew,
      clock,
    });
  }, 60_000);
  afterAll(() => fronts?.close());

  let n = 0;
  const get = async (front: Front, cookie: string | undefined, target = '/x', navigate = false) => {
    n += 1;
    const headers: [string, string][] = [
      ['Host', `pdf.localhost:${front.port}`],
      ['x-case', `${mode}-${n}`],
      ['Accept', navigate ? 'text/html' : 'application/json'],
    ];
    if (navigate) headers.push(['Sec-Fetch-Mode', 'navigate']);
    if (cookie) headers.push(['Cookie', `horizon=${cookie}`]);
    const res = await front.send({ target, headers });
    const reached = front.received().some((r) => r.headers['x-case'] === `${mode}-${n}`);
    return { ...res, reached };
  };

  it(
    mode === 'cookie'
      ? 'after sign-out: the browser is signed out; a copy of its cookie stays valid until it expires, on its host only'
      : 'after sign-out: every copy of the session ends at once, on every front',
    async () => {
      const { browser, origin } = await fronts.signIn('bob', 'pdf.localhost');
      const copy = browser.cookie('pdf.localhost', 'horizon');
      const out = await browser.send('GET', `${origin}/oauth2/sign_out`, { site: 'same-origin' });
      expect(out.body).toContain('Signing out');
      expect(browser.cookie('pdf.localhost', 'horizon')).toBeUndefined();
      for (const front of fronts.fronts) {
        const res = await get(front, copy);
        expect([front.name, res.status, res.reached]).toEqual(
          mode === 'cookie' ? [front.name, 200, true] : [front.name, 401, false],
        );
      }
    },
  );

  it('provider down: signed-in users keep working (re-validation waits); new sign-ins get a page saying so', async () => {
    const bob = await fronts.session('bob', 'pdf.localhost');
    await fronts.op.stop();
    try {
      clock.advance(1000); // past the remembered "provider answers"
      await waitFor(
        'the provider seen down',
        async () => (await get(fronts.fronts[0] as Front, undefined, '/', true)).status === 424,
      );
      if (mode === 'redis') skew = 61; // re-validation due: it fails, and the session is kept
      for (const front of fronts.fronts) {
        expect((await get(front, bob)).reached, front.name).toBe(true);
        const login = await get(front, undefined, '/', true);
        expect([front.name, login.status]).toEqual([front.name, 424]);
        expect(login.body).toContain('Sign-in is unavailable');
      }
      if (mode === 'redis') {
        await waitFor('a re-validation tried', async () =>
          /refreshes_total\{result="E_PROVIDER_UNAVAILABLE"/.test(await registry.metrics()),
        );
        for (const front of fronts.fronts) expect((await get(front, bob)).reached, front.name).toBe(true);
      }
    } finally {
      skew = 0;
      await fronts.op.start();
    }
  });

  // Cookie sessions have no store to fail.
  if (mode === 'redis')
    it('store hung: checks fail closed at once with a page saying so, and recover by themselves', async () => {
      const bob = await fronts.session('bob', 'pdf.localhost');
      const store = redis as RunningProgram;
      store.process.kill('SIGSTOP');
      try {
        for (const front of fronts.fronts) {
          const res = await get(front, bob);
          // The gateway waits 3 s for a check before its own bare 403: this came well before.
          expect([front.name, res.status, res.reached]).toEqual([front.name, 424, false]);
          expect(res.body).toContain('Sessions are unavailable');
        }
        expect(await registry.metrics()).toMatch(/^horizon_authproxy_session_store_up\{[^}]*\} 0$/m);
      } finally {
        store.process.kill('SIGCONT');
      }
      // Each try moves past the breaker's open window, so each asks Redis once.
      await waitFor('sessions back', async () => {
        clock.advance(2000);
        return (await get(fronts.fronts[0] as Front, bob)).status === 200;
      });
      for (const front of fronts.fronts) expect((await get(front, bob)).reached, front.name).toBe(true);
      expect(await registry.metrics()).toMatch(/^horizon_authproxy_session_store_up\{[^}]*\} 1$/m);
    });

  if (mode === 'redis')
    it('store down: the same page; a sign-in finishing then says so; a Redis back is used by itself', async () => {
      const bob = await fronts.session('bob', 'pdf.localhost');
      const port = (redis as RunningProgram).port;
      const browser = new Browser();
      clock.advance(5000); // the provider was down a moment ago: a failed ask is remembered 5 s
      const provider = await browser.navigate(`${fronts.signInOrigin('pdf.localhost')}/`);
      expect(provider.status).toBe(200);
      await (redis as RunningProgram).stop();
      const landed = await browser.signInAs(provider, 'alice');
      expect(landed.status).toBe(424);
      expect(landed.body).toContain('Sessions are unavailable'); // not "this sign-in link has expired"
      for (const front of fronts.fronts) {
        const res = await get(front, bob);
        expect([front.name, res.status, res.reached]).toEqual([front.name, 424, false]);
      }
      redis = await startRedis({ port });
      // Back, but empty (no persistence here): bob's session is gone, and the service says so.
      await waitFor('the store back', async () => {
        clock.advance(2000); // past the breaker's open window
        return (await get(fronts.fronts[0] as Front, bob)).status === 401;
      });
      const fresh = await fronts.signIn('alice', 'pdf.localhost');
      const cookie = fresh.browser.cookie('pdf.localhost', 'horizon');
      expect((await get(fronts.fronts[0] as Front, cookie)).reached).toBe(true);
    });
});
