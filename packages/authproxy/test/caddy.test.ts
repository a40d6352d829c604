import { Browser, echoed } from '@horizon/test/harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ProxyStack, startBehindProxy } from './helpers.ts';
import { startCaddyRecipe } from './recipes.ts';

describe('Caddy forward_auth in front of the auth service (real Caddy, the README recipe)', () => {
  let stack: ProxyStack;
  beforeAll(async () => {
    stack = await startBehindProxy(startCaddyRecipe);
  });
  afterAll(() => stack?.close());

  it('logs a browser in through Caddy; the app sees the identity, its own cookies, never a spoofed header', async () => {
    const browser = new Browser();
    const login = await browser.navigate(`${stack.app}/report?id=7`);
    expect(login.url.startsWith(`${stack.op.issuer}/interaction/`)).toBe(true);
    const landed = await browser.signInAs(login, 'bob');
    expect(landed.status).toBe(200);
    const seen = echoed(landed.body);
    expect(seen.url).toBe('/report?id=7');
    expect(seen.headers['x-auth-request-user']).toBe('bob');
    expect(seen.headers['x-auth-request-groups']).toBe('family');
    expect(seen.headers['x-auth-request-email']).toBe('bob@example.com');
    const again = await browser.send('GET', `${stack.app}/x`, { headers: { cookie: 'app=1; b=2' } });
    expect(echoed(again.body).headers.cookie).toBe('app=1; b=2');
    // Public path: no identity reaches the app (empty: Caddy 2.6 copies every named header).
    const pub = await new Browser().send('GET', `${stack.app}/static/app.css`, {
      headers: { accept: 'text/css', 'sec-fetch-mode': 'no-cors' },
    });
    expect(pub.status).toBe(200);
    expect(echoed(pub.body).headers['x-auth-request-user'] ?? '').toBe('');
    // Caddy forwards every client header to the check: any identity header, in any spelling, is a 400.
    const before = stack.echo.received.length;
    for (const name of [
      'x-auth-request-groups',
      'x_auth_request_user',
      'X_Auth_Request_Email',
      'x-forwarded-user',
      'remote-user',
    ]) {
      const spoofed = await new Browser({ headers: { [name]: 'root' } }).navigate(
        `${stack.app}/static/app.css`,
      );
      expect(spoofed.status, name).toBe(400);
    }
    expect(stack.echo.received.length).toBe(before);
  });

  it('passes denials through: 401 for API clients, 403 outside the policy', async () => {
    const api = new Browser();
    const res = await api.send('GET', `${stack.app}/api`, {
      headers: { accept: 'application/json', 'sec-fetch-mode': 'cors' },
    });
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="pdf.localhost"');
    const eve = new Browser();
    const denied = await eve.signInAs(await eve.navigate(`${stack.app}/`), 'eve');
    expect(denied.status).toBe(403);
    expect(stack.echo.received.some((r) => r.headers['x-auth-request-user'] === 'eve')).toBe(false);
  });
});
