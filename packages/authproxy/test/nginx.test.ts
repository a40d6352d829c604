import { Browser, echoed, IDENTITY_HEADERS, startNginx } from '@horizon/test/harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ProxyStack, startBehindProxy } from './helpers.ts';

/**
 * The nginx set-up the README documents. auth_request passes only 2xx, 401 and 403 (anything
 * else becomes a 500), so the auth sub-request says `X-Horizon-Auth-Request` and the service
 * answers 401 where it would redirect; nginx then replays the request to the service as a plain
 * forward-auth check (@horizon_login), which answers the redirect, the login page or the 403
 * page. /oauth2/ (callback, sign-out) goes to the service directly, as it sets cookies.
 */
function nginxConfig(authPort: string, echo: string): string {
  const forwarded = `proxy_set_header X-Forwarded-Method $request_method;
      proxy_set_header X-Forwarded-Host $http_host;
      proxy_set_header X-Forwarded-Uri $request_uri;
      proxy_set_header X-Forwarded-Proto $scheme;`;
  const identity = IDENTITY_HEADERS.map((h) => h.replaceAll('-', '_'));
  return `server {
    listen $HOST:$PORT;
    server_name pdf.localhost;
    location = /_horizon_auth {
      internal;
      proxy_pass http://127.0.0.1:${authPort}/;
      proxy_pass_request_body off;
      proxy_set_header Content-Length "";
      ${forwarded}
      proxy_set_header X-Horizon-Auth-Request 1;
    }
    location @horizon_login {
      proxy_pass http://127.0.0.1:${authPort};
      ${forwarded}
    }
    location /oauth2/ {
      proxy_pass http://127.0.0.1:${authPort};
      ${forwarded}
    }
    location / {
      auth_request /_horizon_auth;
      ${identity.map((h) => `auth_request_set $${h} $upstream_http_${h};`).join('\n      ')}
      error_page 401 403 = @horizon_login;
      ${IDENTITY_HEADERS.map((h, i) => `proxy_set_header ${h} $${identity[i]};`).join('\n      ')}
      proxy_pass ${echo};
    }
  }`;
}

describe('nginx auth_request in front of the auth service (real nginx)', () => {
  let stack: ProxyStack;
  beforeAll(async () => {
    stack = await startBehindProxy((authPort, echoUrl) => startNginx(nginxConfig(authPort, echoUrl)));
  });
  afterAll(() => stack?.close());

  it('logs a browser in through nginx; the app sees the identity and never a spoofed header', async () => {
    const browser = new Browser({
      headers: {
        'x-auth-request-groups': 'admins',
        x_auth_request_user: 'root',
        'x-auth-request-name': 'CEO',
      },
    });
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
    expect(seen.headers.x_auth_request_user).toBeUndefined(); // nginx drops `_` names by default
    // Public path: the app gets no identity, and the client's copy is gone too.
    const anon = new Browser({ headers: { 'x-auth-request-user': 'root' } });
    const pub = await anon.send('GET', `${stack.app}/static/app.css`, {
      headers: { accept: 'text/css', 'sec-fetch-mode': 'no-cors' },
    });
    expect(pub.status).toBe(200);
    expect(echoed(pub.body).headers['x-auth-request-user']).toBeUndefined();
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
    expect(browser.cookie('pdf.localhost', 'horizon')).toBeTruthy();
    const out = await browser.send('GET', `${stack.app}/oauth2/sign_out`, { site: 'same-origin' });
    expect(out.status).toBe(302);
    const location = new URL(String(out.headers.location));
    expect(location.origin + location.pathname).toBe(`${stack.op.issuer}/api/oidc/end-session`);
    expect(location.searchParams.get('post_logout_redirect_uri')).toBe(`${stack.app}/`);
    expect(browser.cookie('pdf.localhost', 'horizon')).toBeUndefined();
    const api = await browser.send('GET', `${stack.app}/api`, {
      headers: { accept: 'application/json', 'sec-fetch-mode': 'cors' },
    });
    expect(api.status).toBe(401);
  });
});
