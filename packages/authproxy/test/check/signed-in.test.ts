import { describe, expect, it } from 'vitest';
import { createSignedInStep, forbiddenPage } from '../../src/check/signed-in.ts';
import type { Reply } from '../../src/reply/reply.ts';
import { createSealer } from '../../src/session/seal.ts';
import { authConfig } from '../auth-config.ts';
import { memoryStore, NOW, policy, session } from '../fixtures.ts';
import { checkRequest, context, grantsOf, NEXT, rest } from './fixtures.ts';

describe('the signed-in step', () => {
  const config = authConfig({ 'cookie.renewSeconds': 3600 });
  const { grants, cookies } = grantsOf(config);
  const step = createSignedInStep({
    config,
    grants,
    store: memoryStore(),
    cookies,
    sealer: createSealer(config.cookie.keys),
  });
  const family = policy('family', { groups: ['family'] });
  const admins = policy('admins', { groups: ['admins'] });

  it('passes a check without a session on', () => {
    expect(step(context(), rest())).toBe(NEXT);
  });

  it('lets a user the policy names through, with the identity headers', () => {
    const out = step(context({ policy: family, session: session() }), rest()) as Reply;
    expect([out.status, out.reason, out.headers['x-auth-request-user']]).toEqual([200, 'session', 'bob']);
  });

  it('hands anyone else on as refused, without a session (a client network may still let them in)', () => {
    const next = rest();
    expect(step(context({ policy: admins, session: session() }), next)).toBe(NEXT);
    expect(next.seen[0]).toMatchObject({ session: undefined, refused: { user: 'bob' } });
    const page = forbiddenPage({ config, sealer: createSealer(config.cookie.keys) }, session());
    expect([page.status, page.reason]).toEqual([403, 'forbidden']);
    expect(page.body).toContain('You are signed in as bob, who may not use this app.');
    expect(page.body).toContain('Sign out, to sign in as someone else');
  });

  it('re-writes a cookie session on a page load renewSeconds after it was written, by a redirect to the same URL', () => {
    const old = session({ renewedAt: NOW - 3600 });
    const page = checkRequest({ navigation: true, target: '/a?b=1' });
    const out = step(context({ policy: family, session: old, req: page }), rest()) as Reply;
    expect([out.status, out.reason, out.headers.location]).toEqual([
      302,
      'renew',
      'https://pdf.localhost/a?b=1',
    ]);
    expect(out.headers['set-cookie']).toEqual([cookies.session(`renewed-sid-bob-${NOW}`)]);
    // Not for API calls, other methods, nginx's sub-request, or a younger cookie.
    for (const req of [
      checkRequest(),
      checkRequest({ navigation: true, method: 'POST' }),
      checkRequest({ navigation: true, authRequest: true }),
    ])
      expect((step(context({ policy: family, session: old, req }), rest()) as Reply).reason).toBe('session');
    const young = session({ renewedAt: NOW - 3599 });
    expect((step(context({ policy: family, session: young, req: page }), rest()) as Reply).reason).toBe(
      'session',
    );
  });
});
