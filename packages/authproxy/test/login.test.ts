import { Browser, echoed, formOf, manualClock } from '@horizon/test/harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSealer } from '../src/session/seal.ts';
import { type Stack, startApp, startStack } from './helpers.ts';

describe('login through the Envoy contract gateway against a real OpenID Provider', () => {
  let stack: Stack;
  // The provider's remembered reachability runs on it: the provider-down test moves it on.
  const clock = manualClock();
  beforeAll(async () => {
    stack = await startStack({}, {}, { clock });
  });
  afterAll(() => stack.close());

  it('sends a browser to the provider, logs in, and the app sees who it is', async () => {
    const browser = new Browser();
    const login = await browser.navigate(`${stack.app}/docs/page?x=1`);
    expect(login.status).toBe(200);
    expect(login.url.startsWith(`${stack.op.issuer}/interaction/`)).toBe(true);
    const authorize = new URL(browser.history.find((p) => p.url.startsWith(stack.op.issuer))?.url ?? '');
    expect(authorize.pathname).toBe('/authorize');
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('scope')).toBe('openid profile email groups');
    const landed = await browser.signInAs(login, 'alice');
    expect(landed.status).toBe(200);
    const seen = echoed(landed.body);
    expect(seen.url).toBe('/docs/page?x=1');
    expect(seen.headers['x-auth-request-user']).toBe('alice');
    expect(seen.headers['x-auth-request-subject']).toBe('u-alice');
    expect(seen.headers['x-auth-request-groups']).toBe('admins,family');
    expect(seen.headers['x-auth-request-email']).toBe('alice@example.com');
    const sealed = browser.cookie('pdf.localhost', 'horizon') as string;
    expect(createSealer(stack.config.cookie.keys).open('session', sealed)).toMatchObject({
      sub: 'u-alice',
      host: 'pdf.localhost',
    });
    // Flow cookie cleared after the callback.
    expect(browser.cookies.filter((c) => c.name.startsWith('horizon-flow-'))).toEqual([]);
    // The next request is allowed straight away, with the same cookie.
    const again = await browser.navigate(`${stack.app}/other`);
    expect(echoed(again.body).headers['x-auth-request-user']).toBe('alice');
  });

  it('never lets a client-sent identity header reach the app', async () => {
    const spoofs = {
      'x-auth-request-groups': 'admins',
      'x-auth-request-email': 'ceo@example.com',
      'X-Auth-Request-Name': 'Root',
      'x-forwarded-user': 'root',
      'remote-user': 'root',
    };
    const browser = new Browser({ headers: spoofs });
    const login = await browser.navigate(`${stack.app}/`);
    const landed = await browser.signInAs(login, 'eve');
    expect(landed.status).toBe(403); // eve is in no group the policy allows
    const bob = new Browser({ headers: spoofs });
    const page = await bob.signInAs(await bob.navigate(`${stack.app}/`), 'bob');
    const seen = echoed(page.body);
    expect(seen.headers['x-auth-request-groups']).toBe('family');
    expect(seen.headers['x-auth-request-user']).toBe('bob');
    expect(seen.headers['x-auth-request-email']).toBe('bob@example.com');
    expect(seen.headers['x-forwarded-user']).toBeUndefined();
    expect(seen.headers['remote-user']).toBeUndefined();
    // Envoy Gateway refuses header names with `_` (its default headersWithUnderscoresAction).
    const underscore = await new Browser({ headers: { x_auth_request_user: 'root' } }).navigate(
      `${stack.app}/`,
    );
    expect(underscore.status).toBe(400);
  });

  it('answers API clients 401 with a Bearer challenge, and lets public paths through', async () => {
    const browser = new Browser();
    const res = await browser.send('GET', `${stack.app}/api/x`, {
      headers: { accept: 'application/json', 'sec-fetch-mode': 'cors' },
    });
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="pdf.localhost"');
    const pub = await browser.send('GET', `${stack.app}/static/app.css`, {
      headers: { 'sec-fetch-mode': 'no-cors' },
    });
    expect(pub.status).toBe(200);
    // Envoy Gateway unescapes the slash and redirects to what it means, which is not public.
    const bypass = await browser.send('GET', `${stack.app}/static/..%2fadmin`, {
      headers: { 'sec-fetch-mode': 'cors' },
    });
    expect([bypass.status, bypass.headers.location]).toEqual([307, '/admin']);
    expect(
      (await browser.send('GET', `${stack.app}/admin`, { headers: { 'sec-fetch-mode': 'cors' } })).status,
    ).toBe(401);
  });

  it('signs out: cookie cleared, then the id_token_hint POSTed to the provider end-session, never in a URL', async () => {
    const browser = new Browser();
    await browser.signInAs(await browser.navigate(`${stack.app}/`), 'bob');
    const out = await browser.send('GET', `${stack.app}/oauth2/sign_out`, { site: 'same-origin' });
    expect(out.status).toBe(403); // never 200: that would let the request through to the app
    expect(out.headers.location).toBeUndefined();
    const form = formOf(out);
    expect(form?.action).toBe(`${stack.op.issuer}/api/oidc/end-session`);
    expect(form?.fields.id_token_hint).toMatch(/^ey/);
    expect(form?.fields.post_logout_redirect_uri).toBe(`${stack.app}/`);
    expect(browser.cookie('pdf.localhost', 'horizon')).toBeUndefined();
    const provider = await browser.submit(out); // what the page's script does
    expect(provider.status).toBe(200);
    expect(browser.history.every((p) => !p.url.includes('id_token_hint'))).toBe(true);
    // A cross-site link cannot sign anyone out: it gets a confirmation page.
    const other = new Browser();
    await other.signInAs(await other.navigate(`${stack.app}/`), 'bob');
    const before = other.cookie('pdf.localhost', 'horizon');
    const csrf = await other.send('GET', `${stack.app}/oauth2/sign_out`, { site: 'cross-site' });
    expect(csrf.status).toBe(403);
    expect(csrf.body).toContain('<form method="post"');
    expect(other.cookie('pdf.localhost', 'horizon')).toBe(before);
    expect(before).toMatch(/^[A-Za-z0-9_-]{100,}$/);
  });

  it('returns a login to its page, or to / when the page address is longer than a flow cookie keeps', async () => {
    const short = new Browser();
    const page = await short.signInAs(await short.navigate(`${stack.app}/a?b=${'c'.repeat(900)}`), 'bob');
    expect(echoed(page.body).url).toBe(`/a?b=${'c'.repeat(900)}`);
    const long = new Browser();
    const root = await long.signInAs(await long.navigate(`${stack.app}/a?b=${'c'.repeat(1100)}`), 'bob');
    expect(echoed(root.body).url).toBe('/');
  });

  it('keeps the user logged in across a restart of the service (same keys)', async () => {
    const browser = new Browser();
    await browser.signInAs(await browser.navigate(`${stack.app}/`), 'alice');
    const replacement = await startApp(stack.config);
    try {
      const res = await replacement.app.inject({
        method: 'GET',
        url: '/x',
        headers: {
          host: 'pdf.localhost',
          cookie: `horizon=${browser.cookie('pdf.localhost', 'horizon')}`,
          'x-request-id': '1',
        },
      });
      expect(res.statusCode).toBe(200);
      expect(res.headers['x-auth-request-user']).toBe('alice');
    } finally {
      await replacement.app.close();
    }
  });

  it('keeps sessions working while the provider is down; new logins get a clear page', async () => {
    const browser = new Browser();
    await browser.signInAs(await browser.navigate(`${stack.app}/`), 'alice');
    await stack.op.stop();
    clock.advance(1100); // past the remembered "provider answers"
    try {
      const ok = await browser.navigate(`${stack.app}/still`);
      expect(echoed(ok.body).headers['x-auth-request-user']).toBe('alice');
      const fresh = new Browser();
      const page = await fresh.navigate(`${stack.app}/`);
      expect(page.status).toBe(424);
      expect(page.body).toContain('Sign-in is unavailable');
    } finally {
      await stack.op.start();
    }
  });
});
