import { generateKeyPairSync } from 'node:crypto';
import { Browser } from '@horizon/test/harness';
import { decodeJwt, type JWTPayload, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from './helpers.ts';

/**
 * A provider answer forged in transit: the token endpoint's ID token is replaced before the
 * service reads it. Every case must end the login with the 400 page and no session cookie.
 * Tokens signed with the provider's own key prove each claim check on its own.
 */
type Forge = (claims: JWTPayload, stack: Stack) => Promise<string> | string;
let forge: Forge | undefined;

const b64 = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');
const signAs = (stack: Stack, claims: JWTPayload, key = stack.op.signing.key, kid = stack.op.signing.kid) =>
  new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid }).sign(key);
const now = () => Math.floor(Date.now() / 1000);

describe('forged ID tokens at the token endpoint (real provider, answer replaced in transit)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack(
      { 'oidc.clockSkewSeconds': 30 },
      {},
      {
        fetch: async (input, init) => {
          const res = await fetch(input, init);
          const url = input instanceof Request ? input.url : String(input);
          if (!forge || !url.endsWith('/api/oidc/token')) return res;
          const body = (await res.json()) as { id_token: string };
          body.id_token = await forge(decodeJwt(body.id_token), stack);
          return new Response(JSON.stringify(body), { status: res.status, headers: res.headers });
        },
      },
    );
  });
  afterAll(() => stack.close());

  const cases: [string, Forge][] = [
    ['alg none', (c) => `${b64({ alg: 'none' })}.${b64(c)}.`],
    [
      'HS256 with the client secret as key (alg confusion)',
      (c) => new SignJWT(c).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode('pdf-secret')),
    ],
    [
      'a foreign key under the provider kid',
      (c, s) => signAs(s, c, generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey),
    ],
    ['a truncated signature', async (c, s) => (await signAs(s, c)).slice(0, -10)],
    ['a wrong nonce', (c, s) => signAs(s, { ...c, nonce: 'attacker-nonce' })],
    ['a wrong issuer', (c, s) => signAs(s, { ...c, iss: 'http://127.0.0.1:1/' })],
    ['another audience', (c, s) => signAs(s, { ...c, aud: 'someone-else' })],
    ['several audiences and another azp', (c, s) => signAs(s, { ...c, aud: ['pdf', 'other'], azp: 'other' })],
    ['an expired token', (c, s) => signAs(s, { ...c, iat: now() - 7200, exp: now() - 3600 })],
    ['iat in the future', (c, s) => signAs(s, { ...c, iat: now() + 600, exp: now() + 4200 })],
    [
      'iat before the login began (a replayed token)',
      (c, s) => signAs(s, { ...c, iat: now() - 3000, exp: now() + 600 }),
    ],
    [
      'no sub',
      (c, s) => {
        const { sub: _sub, ...rest } = c;
        return signAs(s, rest);
      },
    ],
  ];

  it.each(cases)('refuses %s', async (_name, how) => {
    forge = how;
    try {
      const browser = new Browser();
      const page = await browser.signInAs(await browser.navigate(`${stack.app}/doc`), 'alice');
      expect(page.status).toBe(400);
      expect(page.body).toContain('Sign-in failed');
      expect(browser.cookie('pdf.localhost', 'horizon')).toBeUndefined();
    } finally {
      forge = undefined;
    }
  });

  it('accepts the provider token untouched (the interception itself changes nothing)', async () => {
    forge = (c, s) => signAs(s, c);
    try {
      const browser = new Browser();
      const page = await browser.signInAs(await browser.navigate(`${stack.app}/doc`), 'alice');
      expect(page.status).toBe(200);
    } finally {
      forge = undefined;
    }
  });

  it('refuses a callback whose iss is not the provider (RFC 9207 mix-up)', async () => {
    const browser = new Browser();
    const login = await browser.navigate(`${stack.app}/doc`);
    const action = /<form method="post" action="([^"]+)"/.exec(login.body)?.[1] ?? '';
    let page = await browser.send('POST', new URL(action.replace(/&amp;/g, '&'), login.url).href, {
      body: 'username=alice',
    });
    // Follow the provider's redirects by hand up to the callback, then change its iss.
    while (page.status >= 300 && page.status < 400) {
      const next = new URL(String(page.headers.location), page.url);
      if (next.pathname === '/oauth2/callback') {
        expect(next.searchParams.get('iss')).toBe(stack.op.issuer);
        next.searchParams.set('iss', 'http://127.0.0.1:1');
        page = await browser.send('GET', next.href, { site: 'cross-site' });
        break;
      }
      page = await browser.send('GET', next.href);
    }
    expect(page.status).toBe(400);
    expect(browser.cookie('pdf.localhost', 'horizon')).toBeUndefined();
  });
});
