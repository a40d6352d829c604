import { describe, expect, it } from 'vitest';
import { AUTH_REQUEST_DENIAL } from '../../src/check/auth-request.ts';
import { createLoginStep } from '../../src/check/login.ts';
import { policy, session } from '../fixtures.ts';
import { checkDeps, checkRequest, context } from './fixtures.ts';

describe('the login step (the end of the chain)', () => {
  const login = createLoginStep(checkDeps());

  it('answers API clients and other methods 401 with a Bearer challenge', async () => {
    for (const req of [checkRequest(), checkRequest({ navigation: true, method: 'POST' })])
      expect(await login(context({ req }))).toMatchObject({
        status: 401,
        reason: 'unauthenticated',
        headers: { 'www-authenticate': 'Bearer realm="pdf.localhost"' },
      });
  });

  it('offers Basic beside Bearer where the policy takes app passwords', async () => {
    expect(await login(context({ policy: policy('files', { appPasswords: true }) }))).toMatchObject({
      status: 401,
      headers: {
        'www-authenticate': ['Basic realm="pdf.localhost", charset="UTF-8"', 'Bearer realm="pdf.localhost"'],
      },
    });
  });

  it('shows a signed-in user the policy refused who they are, whatever the request', () => {
    const out = login(context({ refused: session(), req: checkRequest({ navigation: true }) }));
    expect(out).toMatchObject({ status: 403, reason: 'forbidden' });
  });

  it('starts a login for a page load; a provider that cannot be reached gets its page, not a redirect there', async () => {
    const page = context({ req: checkRequest({ navigation: true, method: 'HEAD' }) });
    expect(await login(page)).toMatchObject({ status: 424, reason: 'provider-unavailable' });
  });

  it("starts none for nginx's auth_request sub-request, whose cookies would be lost", () => {
    expect(login(context({ req: checkRequest({ navigation: true, authRequest: true }) }))).toBe(
      AUTH_REQUEST_DENIAL,
    );
  });
});
