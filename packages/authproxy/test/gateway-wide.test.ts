import { describe, expect, it } from 'vitest';
import { FRONTS } from './fronts.ts';
import { one } from './invariants.ts';
import { useFronts } from './suite.ts';

/**
 * The per-gateway shape (issue 16): one SecurityPolicy on the Gateway sends every route's
 * requests to the service, as each front here does for all its sites; a route no policy covers
 * (nopolicy.localhost) gets `defaultPolicy: authenticated`: any signed-in user, a login for
 * everyone else; the routes that have a policy keep theirs.
 */
const suite = useFronts(async () => ({ overrides: { defaultPolicy: 'authenticated' } }));

describe.each(FRONTS)('defaultPolicy authenticated through %s', (name) => {
  it('lets any signed-in user reach a route no policy covers, with their identity', async () => {
    const front = suite.front(name);
    for (const user of ['bob', 'eve'] as const) {
      const res = await suite.send(front, { user, host: 'nopolicy.localhost', target: '/x' });
      expect([user, res.status]).toEqual([user, 200]);
      const got = front.received().find((r) => one(r.headers['x-case']) === String(suite.last()));
      expect([got?.app, one(got?.headers['x-auth-request-user'])]).toEqual(['nopolicy', user]);
    }
  });

  it('sends everyone else to sign in there, and keeps the policies the other routes have', async () => {
    const front = suite.front(name);
    const page = await suite.send(front, {
      host: 'nopolicy.localhost',
      target: '/x',
      headers: [['Sec-Fetch-Mode', 'navigate']],
    });
    expect(page.status).toBe(302);
    expect(String(page.headers.location)).toContain('/authorize?');
    expect((await suite.send(front, { host: 'nopolicy.localhost', target: '/x' })).status).toBe(401);
    expect(suite.reached(front, suite.last())).toBe(false);
    // strict.localhost is for admins: eve, signed in, is still refused there.
    expect((await suite.send(front, { user: 'eve', host: 'strict.localhost', target: '/' })).status).toBe(
      403,
    );
  });
});
