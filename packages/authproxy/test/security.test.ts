import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthApp } from '../src/app.ts';
import { createSealer, decodeKeys } from '../src/session/seal.ts';
import { NOW, session } from './fixtures.ts';
import { authConfig, KEY, startApp } from './helpers.ts';

const sealWith = (key: string, purpose: string, value: unknown) =>
  createSealer(decodeKeys([key])).seal(purpose, value);
const API = { host: 'pdf.localhost', accept: 'application/json', 'x-request-id': 'r1' };

describe('the check, as Envoy sends it (inject)', () => {
  let auth: AuthApp;
  beforeAll(async () => {
    auth = await startApp(authConfig({ 'cookie.idleSeconds': 3600, 'cookie.absoluteSeconds': 7200 }), {
      now: () => NOW,
    });
  });
  afterAll(() => auth.app.close());
  const check = (headers: Record<string, string>, url = '/page', method: 'GET' | 'POST' = 'GET') =>
    auth.app.inject({ method, url, headers: { ...API, ...headers } });

  it('allows a valid session and sets or removes every identity header, `_` variants included', async () => {
    const res = await check({ cookie: `horizon=${sealWith(KEY, 'session', session())}` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-auth-request-user']).toBe('bob');
    expect(res.headers['x-auth-request-groups']).toBe('family');
    const removed = String(res.headers['x-envoy-auth-headers-to-remove']).split(', ');
    expect(removed).toEqual(
      expect.arrayContaining([
        'x-auth-request-email',
        'x-auth-request-name',
        'x_auth_request_user',
        'x_auth_request_groups',
        'x_auth_request_email',
      ]),
    );
    expect(removed).not.toContain('x-auth-request-user');
  });

  it.each([
    // A character inside the tag: the last one may carry only padding bits, and 'A' for 'B' there
    // decodes to the same bytes (that failed about one run in sixteen).
    [
      'tampered',
      () => sealWith(KEY, 'session', session()).replace(/.(?=.{4}$)/, (c) => (c === 'A' ? 'B' : 'A')),
    ],
    ['truncated', () => sealWith(KEY, 'session', session()).slice(0, 40)],
    [
      'sealed with a foreign key',
      () => sealWith(randomBytes(32).toString('base64url'), 'session', session()),
    ],
    ['a flow cookie replayed as a session', () => sealWith(KEY, 'flow', session())],
    [
      'past its absolute lifetime',
      () => sealWith(KEY, 'session', session({ createdAt: NOW - 7200, renewedAt: NOW })),
    ],
    ['idle too long', () => sealWith(KEY, 'session', session({ renewedAt: NOW - 3600 }))],
    ['not base64', () => '!!!'],
    ['empty', () => ''],
  ])('refuses a cookie %s', async (_name, value) => {
    const res = await check({ cookie: `horizon=${value()}` });
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="pdf.localhost"');
  });

  it('refuses a user outside the policy with 403', async () => {
    const res = await check({
      cookie: `horizon=${sealWith(KEY, 'session', session({ groups: ['guests'] }))}`,
    });
    expect(res.statusCode).toBe(403);
  });

  it.each(['evil.example.com', 'pdf.localhost.evil.example.com', 'xpdf.localhost', ''])(
    'denies host %j that no policy covers',
    async (host) => {
      const res = await check({ host, cookie: `horizon=${sealWith(KEY, 'session', session())}` });
      expect([400, 403]).toContain(res.statusCode);
    },
  );

  it('redirects a navigation to the login without a session, never with 307, never 5xx', async () => {
    const res = await check({ accept: 'text/html', 'sec-fetch-mode': 'navigate' });
    // The provider of this app is not reachable (127.0.0.1:9): a clear page, not a 5xx Envoy would swallow.
    expect(res.statusCode).toBe(424);
    expect(res.body).toContain('Sign-in is unavailable');
  });

  it.each([
    ['/oauth2/callback?code=c&state=unknown', 'an unknown state'],
    ['/oauth2/callback?code=c', 'no state'],
  ])('refuses a callback with %s', async (url) => {
    const res = await check(
      { accept: 'text/html', 'sec-fetch-mode': 'navigate', cookie: 'horizon-flow-unknown=x' },
      url,
    );
    expect(res.statusCode).toBe(400);
  });

  it('shows a refused login at the callback as 403', async () => {
    const res = await check({ accept: 'text/html' }, '/oauth2/callback?error=access_denied&state=s');
    expect(res.statusCode).toBe(403);
  });

  it('explains a check without the headers headersToExtAuth should forward', async () => {
    const res = await auth.app.inject({ method: 'GET', url: '/page', headers: { host: 'pdf.localhost' } });
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('headersToExtAuth');
  });

  it('believes X-Forwarded-* only from trusted proxies', async () => {
    const untrusted = await startApp(authConfig({ trustedProxies: [] }));
    try {
      const res = await untrusted.app.inject({
        method: 'GET',
        url: '/',
        headers: {
          host: 'auth',
          'x-forwarded-host': 'pdf.localhost',
          'x-forwarded-uri': '/static/a.css',
          'x-forwarded-method': 'GET',
        },
      });
      expect(res.statusCode).toBe(403);
    } finally {
      await untrusted.app.close();
    }
    const res = await check({
      host: 'auth',
      'x-forwarded-host': 'pdf.localhost',
      'x-forwarded-uri': '/static/a.css',
      'x-forwarded-method': 'GET',
    });
    expect(res.statusCode).toBe(200);
  });

  it('lets a public path and a public method through without identity', async () => {
    const res = await check({}, '/static/a.css');
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-auth-request-user']).toBeUndefined();
    expect(String(res.headers['x-envoy-auth-headers-to-remove'])).toContain('x-auth-request-user');
    expect((await check({}, '/static/..%2fadmin')).statusCode).toBe(400);
  });

  it('refuses a malformed path with 400', async () => {
    expect((await check({}, '/a/%zz')).statusCode).toBe(400);
  });

  it('refuses bearer tokens that are not provider JWTs', async () => {
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(`{"sub":"x","exp":${NOW + 60}}`).toString('base64url')}.`;
    const res = await check({ authorization: `Bearer ${none}` });
    expect([401, 424]).toContain(res.statusCode);
    expect(res.statusCode).not.toBe(200);
  });
});
