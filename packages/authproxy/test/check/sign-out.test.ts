import { describe, expect, it } from 'vitest';
import { createSignOutStep, signOut, signOutForm } from '../../src/check/sign-out.ts';
import type { Reply } from '../../src/reply/reply.ts';
import { memoryStore, session } from '../fixtures.ts';
import { checkDeps, checkRequest, context, NEXT, rest } from './fixtures.ts';

describe('sign-out', () => {
  const setup = (overrides: Record<string, unknown> = {}) => {
    const store = memoryStore();
    return { deps: checkDeps({ store }, overrides), store };
  };
  const at = (over: Parameters<typeof checkRequest>[0] = {}) =>
    checkRequest({ path: '/oauth2/sign_out', target: '/oauth2/sign_out', ...over });

  it('is the sign-out path only', async () => {
    const { deps } = setup();
    const step = createSignOutStep(deps);
    expect(step(context(), rest())).toBe(NEXT);
    expect(((await step(context({ req: at() }), rest())) as Reply).reason).toBe('sign-out');
  });

  it("sends a browser without a session to the app's root, its cookie cleared", async () => {
    const { deps } = setup();
    const out = await signOut(deps, at(), undefined);
    expect([out.status, out.headers.location, out.headers['set-cookie']]).toEqual([
      302,
      'https://pdf.localhost/',
      [deps.cookies.clearSession()],
    ]);
  });

  it('asks first unless the browser says the request is its own (CSRF): a form POSTing a token bound to the session', async () => {
    const { deps, store } = setup();
    for (const fetchSite of ['cross-site', 'same-site', undefined]) {
      const out = await signOut(deps, at({ fetchSite }), session());
      expect([out.status, out.reason]).toEqual([403, 'sign-out-confirm']);
    }
    const form = signOutForm(deps, session());
    const other = signOutForm(deps, session({ sid: 'sid-alice' }));
    expect(form.action).toMatch(/^\/oauth2\/sign_out\?token=/);
    expect(await signOut(deps, at({ method: 'POST', target: other.action }), session())).toMatchObject({
      reason: 'sign-out-confirm',
    });
    expect(store.revoked).toEqual([]);
    const posted = await signOut(deps, at({ method: 'POST', target: form.action }), session());
    const typed = await signOut(deps, at({ fetchSite: 'none' }), session());
    expect([posted.reason, typed.reason, store.revoked]).toEqual([
      'sign-out',
      'sign-out',
      ['sid-bob', 'sid-bob'],
    ]);
  });

  it('sends the browser on to the configured target only when redirects may go to its host', async () => {
    const allowed = setup({
      'oidc.postLogoutRedirect': 'https://home.localhost/bye',
      redirectHosts: ['home.localhost'],
    });
    expect((await signOut(allowed.deps, at(), undefined)).headers.location).toBe(
      'https://home.localhost/bye',
    );
    const elsewhere = setup({ 'oidc.postLogoutRedirect': 'https://evil.example/' });
    expect((await signOut(elsewhere.deps, at(), undefined)).headers.location).toBe('https://pdf.localhost/');
  });
});
