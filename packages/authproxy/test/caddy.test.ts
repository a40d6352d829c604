import { Browser, echoed, IDENTITY_HEADERS, startCaddy } from '@horizon/test/harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ProxyStack, startBehindProxy } from './helpers.ts';

const headerList = IDENTITY_HEADERS.join(' ');
const SPOOFED = [
  'X-Auth-Request-User',
  'X-Auth-Request-Subject',
  'X-Auth-Request-Email',
  'X-Auth-Request-Groups',
  'X-Auth-Request-Name',
  'X_auth_request_user',
  'X_auth_request_groups',
];

describe('Caddy forward_auth in front of the auth service (real Caddy)', () => {
  let stack: ProxyStack;
  beforeAll(async () => {
    stack = await startBehindProxy((authPort, echoUrl) =>
      startCaddy(`http://pdf.localhost:$PORT {
  bind $HOST
  route {
    # Caddy copies only the headers the answer has: delete the client's first.
    ${SPOOFED.map((h) => `request_header -${h}`).join('\n    ')}
    forward_auth 127.0.0.1:${authPort} {
      uri /
      copy_headers ${headerList}
    }
    reverse_proxy ${echoUrl.replace('http://', '')}
  }
}`),
    );
  });
  afterAll(() => stack?.close());

  it('logs a browser in through Caddy; the app sees the identity and never a spoofed header', async () => {
    const browser = new Browser({
      headers: {
        'x-auth-request-groups': 'admins',
        x_auth_request_user: 'root',
        'x-auth-request-email': 'ceo@example.com',
      },
    });
    const login = await browser.navigate(`${stack.app}/report?id=7`);
    expect(login.url.startsWith(`${stack.op.issuer}/interaction/`)).toBe(true);
    const landed = await browser.signInAs(login, 'bob');
    expect(landed.status).toBe(200);
    const seen = echoed(landed.body);
    expect(seen.url).toBe('/report?id=7');
    expect(seen.headers['x-auth-request-user']).toBe('bob');
    expect(seen.headers['x-auth-request-groups']).toBe('family');
    expect(seen.headers['x-auth-request-email']).toBe('bob@example.com');
    expect(seen.headers.x_auth_request_user).toBeUndefined();
    // Public path: no identity reaches the app, spoofed or not (empty: Caddy 2.6 copies every named header).
    const anon = new Browser({ headers: { 'x-auth-request-user': 'root' } });
    const pub = await anon.send('GET', `${stack.app}/static/app.css`, {
      headers: { accept: 'text/css', 'sec-fetch-mode': 'no-cors' },
    });
    expect(pub.status).toBe(200);
    expect(echoed(pub.body).headers['x-auth-request-user'] ?? '').toBe('');
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
