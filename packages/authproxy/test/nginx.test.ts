import { Browser, echoed, formOf } from '@horizon/test/harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSealer, decodeKeys } from '../src/session/seal.ts';
import { KEY, type ProxyStack, startBehindProxy } from './helpers.ts';
import { startNginxRecipe } from './recipes.ts';

describe('nginx auth_request in front of the auth service (real nginx)', () => {
  let stack: ProxyStack;
  beforeAll(async () => {
    stack = await startBehindProxy(startNginxRecipe);
  });
  afterAll(() => stack?.close());

  it("logs a browser in through the README recipe; the app sees the identity, its own cookies, never Horizon's", async () => {
    const browser = new Browser();
    const login = await browser.navigate(`${stack.app}/report?id=7`);
    expect(login.url.startsWith(`${stack.op.issuer}/interaction/`)).toBe(true);
    const landed = await browser.signInAs(login, 'bob');
    expect(landed.status).toBe(200);
    expect(landed.url).toBe(`${stack.app}/report?id=7`);
    const seen = echoed(landed.body);
    expect(seen.headers['x-auth-request-user']).toBe('bob');
    expect(seen.headers['x-auth-request-groups']).toBe('family');
    expect(seen.headers['x-auth-request-email']).toBe('bob@example.com');
    expect(seen.headers['x-auth-request-name']).toBe('Bob');
    const again = await browser.send('GET', `${stack.app}/x`, { headers: { cookie: 'app=1; b=2' } });
    expect(echoed(again.body).headers['x-auth-request-user']).toBe('bob');
    expect(echoed(again.body).headers.cookie).toBe('app=1; b=2');
    // Public path: the app gets no identity; a spoofed one is a 400 before anything is served.
    const pub = await new Browser().send('GET', `${stack.app}/static/app.css`, {
      headers: { accept: 'text/css', 'sec-fetch-mode': 'no-cors' },
    });
    expect(pub.status).toBe(200);
    expect(echoed(pub.body).headers['x-auth-request-user']).toBeUndefined();
    const before = stack.echo.received.length;
    const spoofed = await new Browser({ headers: { 'x-auth-request-user': 'root' } }).navigate(
      `${stack.app}/static/app.css`,
    );
    expect(spoofed.status).toBe(400);
    expect(spoofed.body).toContain('identity header');
    expect(stack.echo.received.length).toBe(before);
  });

  it('passes the service pages through: 401 with its challenge for APIs, its 403 page outside the policy', async () => {
    const api = await new Browser().send('GET', `${stack.app}/api`, {
      headers: { accept: 'application/json', 'sec-fetch-mode': 'cors' },
    });
    expect(api.status).toBe(401);
    expect(api.headers['www-authenticate']).toBe('Bearer realm="pdf.localhost"');
    const eve = new Browser();
    const denied = await eve.signInAs(await eve.navigate(`${stack.app}/`), 'eve');
    expect(denied.status).toBe(403);
    expect(denied.body).toContain('You are signed in as eve, who may not use this app.');
    expect(stack.echo.received.some((r) => r.headers['x-auth-request-user'] === 'eve')).toBe(false);
  });

  it('signs out through /oauth2/sign_out, answered by the service itself (cookie cleared, end-session)', async () => {
    const browser = new Browser();
    await browser.signInAs(await browser.navigate(`${stack.app}/`), 'alice');
    const sealed = browser.cookie('pdf.localhost', 'horizon') as string;
    expect(createSealer(decodeKeys([KEY])).open('session', sealed)).toMatchObject({ sub: 'u-alice' });
    const out = await browser.send('GET', `${stack.app}/oauth2/sign_out`, { site: 'same-origin' });
    const form = formOf(out);
    expect(form?.action).toBe(`${stack.op.issuer}/api/oidc/end-session`);
    expect(form?.fields.post_logout_redirect_uri).toBe(`${stack.app}/`);
    expect(browser.cookie('pdf.localhost', 'horizon')).toBeUndefined();
    const api = await browser.send('GET', `${stack.app}/api`, {
      headers: { accept: 'application/json', 'sec-fetch-mode': 'cors' },
    });
    expect(api.status).toBe(401);
  });
});
