import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type RunningProgram, removeScratch, scratchDir, startRedis } from '@horizon/test/harness';
import { afterAll, describe, expect, it } from 'vitest';
import { FRONTS, type FrontName, withAppHeaders } from './fronts.ts';
import { one } from './invariants.ts';
import { useFronts } from './suite.ts';

/**
 * What the app gets besides the identity (issue 16), end to end through every front with the
 * development provider set up like Pocket-ID: arr.localhost's app its own X-Api-Key (from a
 * Secret's folder) on every allowed request (a session, a LAN client) and never on a public path,
 * the client's copy never; tokens.localhost's app the user's access token as a Bearer the
 * provider accepts, refreshed when it nears its expiry, once for parallel requests.
 */
const KEY = 'arr-key-0123456789abcdef';
let redis: RunningProgram | undefined;
let dir = '';
let skew = 0;
const suite = useFronts(async () => {
  redis = await startRedis();
  dir = scratchDir('app-credentials');
  writeFileSync(join(dir, 'X-Api-Key'), `${KEY}\n`);
  return {
    overrides: { ...withAppHeaders(redis.port, dir), 'session.revalidateSeconds': 60 },
    deps: { now: () => Math.floor(Date.now() / 1000) + skew },
  };
});
afterAll(async () => {
  await redis?.stop();
  if (dir) removeScratch(dir);
});

const FORGED: [string, string][] = [['X-Api-Key', 'forged-by-the-client']];

describe.each(FRONTS)("the app's own credentials through %s", (name: FrontName) => {
  const gotBy = (front: ReturnType<typeof suite.front>) =>
    front.received().find((r) => one(r.headers['x-case']) === String(suite.last()));

  it.each([
    ['a signed-in request', { user: 'bob' as const }, 'x-auth-request-user', 'bob'],
    [
      'a client network the policy lets in, with no identity',
      { from: '127.0.1.7' },
      'x-auth-request-access',
      'network',
    ],
  ])('reach the app on %s, in place of the one the client wrote', async (_what, who, header, value) => {
    const front = suite.front(name);
    const res = await suite.send(front, {
      ...who,
      host: 'arr.localhost',
      target: '/api/v3/series',
      headers: FORGED,
    });
    expect(res.status).toBe(200);
    const got = gotBy(front);
    expect([one(got?.headers['x-api-key']), one(got?.headers[header])]).toEqual([KEY, value]);
    expect(suite.violations(front)).toEqual([]);
  });

  it('never on a public path, nor the client one there', async () => {
    const front = suite.front(name);
    const res = await suite.send(front, { host: 'arr.localhost', target: '/static/app.js', headers: FORGED });
    expect(res.status).toBe(200);
    const got = gotBy(front);
    // Caddy 2.6's copy_headers passes it empty; nginx and Envoy pass none.
    expect([one(got?.headers['x-api-key']) || undefined, one(got?.headers['x-auth-request-access'])]).toEqual(
      [undefined, 'public'],
    );
    expect(suite.violations(front)).toEqual([]);
  });

  it('never reach it on a refused request: no session, another network, a user outside the policy', async () => {
    const front = suite.front(name);
    for (const c of [
      { host: 'arr.localhost', target: '/api/v3/series' },
      { host: 'arr.localhost', target: '/api/v3/series', from: '127.0.1.200' },
      { user: 'eve' as const, host: 'arr.localhost', target: '/api/v3/series' },
    ]) {
      const res = await suite.send(front, { ...c, headers: FORGED });
      expect([JSON.stringify(c), res.status]).toEqual([JSON.stringify(c), c.user ? 403 : 401]);
      expect(suite.reached(front, suite.last())).toBe(false);
      expect(res.body).not.toContain(KEY);
      expect(JSON.stringify(res.headers)).not.toContain(KEY);
    }
  });
});

describe("the user's IdP token", () => {
  const userinfo = async (token: string) => {
    const op = suite.fronts().op;
    const res = await fetch(`${op.issuer}/api/oidc/userinfo`, {
      headers: { authorization: `Bearer ${token}` },
    });
    return res.ok ? ((await res.json()) as { sub?: string }).sub : res.status;
  };
  const tokenVia = async (name: FrontName, extra: [string, string][] = []) => {
    const front = suite.front(name);
    const sent = suite.send(front, { user: 'bob', host: 'tokens.localhost', target: '/me', headers: extra });
    const id = String(suite.last()); // numbered as it is sent: parallel cases each know their own
    expect((await sent).status).toBe(200);
    const got = front.received().find((r) => one(r.headers['x-case']) === id);
    return /^Bearer (.+)$/.exec(one(got?.headers.authorization) ?? '')?.[1];
  };

  it.each(FRONTS)(
    'reaches the app through %s as a Bearer the provider accepts, in place of what the client wrote',
    async (name) => {
      const token = await tokenVia(name, [['Authorization', 'Bearer forged-by-the-client']]);
      expect(token).toBeDefined();
      expect(await userinfo(token as string)).toBe('u-bob');
      expect(suite.violations(suite.front(name))).toEqual([]);
    },
  );

  it('is refreshed when it nears its expiry, once for requests arriving together', async () => {
    const before = await tokenVia('gateway');
    skew += 3600 - 30; // the dev provider's tokens live an hour: within the refresh margin now
    try {
      const after = await Promise.all(FRONTS.map((name) => tokenVia(name)));
      expect(new Set(after).size).toBe(1); // one refresh: the provider revokes a chain whose used token comes back
      expect(after[0]).not.toBe(before);
      expect(await userinfo(after[0] as string)).toBe('u-bob');
    } finally {
      skew -= 3600 - 30;
    }
  });
});
