import { generateKeyPairSync } from 'node:crypto';
import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { createGrants } from '../../src/check/granted.ts';
import { createIdentitySigner } from '../../src/identity-jwt.ts';
import { createCookieWriter } from '../../src/login/cookies.ts';
import type { Reply } from '../../src/reply/reply.ts';
import { identityHeaders } from '../../src/request/identity-headers.ts';
import { authConfig } from '../auth-config.ts';
import { NOW, policy, session } from '../fixtures.ts';
import { checkRequest, context, NO_CREDENTIALS } from './fixtures.ts';

const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const PEM = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();

describe('the allow answers of a check', () => {
  const config = authConfig({ 'headers.jwt': 'X-Auth-Request-Jwt', 'headers.jwtKey': PEM });
  const deps = {
    identity: identityHeaders(config.headers),
    cookies: createCookieWriter(config.cookie, config.flow.ttlSeconds),
    now: () => NOW,
    credentials: NO_CREDENTIALS,
    tokens: undefined,
  };
  const at = (req = checkRequest()) => context({ req });

  it("reuses one answer per session and reason, and gives the app its own cookies without Horizon's", () => {
    const { granted } = createGrants({ ...deps, signer: undefined });
    const bob = session();
    const first = granted(at(), bob, 'session') as Reply;
    expect(granted(at(), bob, 'session')).toBe(first);
    expect(first.headers['x-auth-request-user']).toBe('bob');
    const withCookies = granted(
      at(checkRequest({ cookieHeader: 'app=1; horizon=s' })),
      bob,
      'session',
    ) as Reply;
    expect(withCookies.headers.cookie).toBe('app=1');
  });

  it('sends forward-auth proxies every managed header, empty when unknown, and a Cookie header always', () => {
    const { allowed } = createGrants({ ...deps, signer: undefined });
    const out = allowed(at(checkRequest({ via: 'forward-auth' })), undefined, 'public');
    expect([
      out.headers['x-auth-request-user'],
      out.headers['x-auth-request-jwt'],
      out.headers.cookie,
    ]).toEqual(['', '', '']);
  });

  it('signs the identity JWT for a session, with the app host as its audience', async () => {
    const signer = await createIdentitySigner(PEM, 'https://id.example.com', 60);
    const { granted } = createGrants({ ...deps, signer });
    const out = await granted(at(), session(), 'session');
    const jwt = decodeJwt(String(out.headers['x-auth-request-jwt']));
    expect([jwt.sub, jwt.aud, jwt.iss, jwt.exp]).toEqual([
      'u-bob',
      'pdf.localhost',
      'https://id.example.com',
      NOW + 60,
    ]);
    // No session, nothing to sign: the answer comes at once.
    expect(granted(at(), undefined, 'public')).not.toBeInstanceOf(Promise);
  });

  it("gives the app the user's ID token in the policy's header, and no one's where there is no user", async () => {
    const asked: string[] = [];
    const tokens = {
      token: (sub: string, kind: 'access' | 'id') => {
        asked.push(`${sub} ${kind}`);
        return Promise.resolve(`${kind}-token-of-${sub}`);
      },
    };
    const { granted, allowed } = createGrants({ ...deps, signer: undefined, tokens });
    const p = policy('wiki', { idpToken: 'id', idpTokenHeader: 'X-Id-Token' });
    const forwarded = (await granted(context({ policy: p }), session(), 'session')) as Reply;
    expect(forwarded.headers['x-id-token']).toBe(`id-token-of-${session().sub}`);
    expect(asked).toEqual([`${session().sub} id`]);
    const lan = allowed(context({ policy: p }), undefined, 'network');
    expect(lan.headers['x-id-token']).toBeUndefined();
    expect(String(lan.headers['x-envoy-auth-headers-to-remove'])).toMatch(/(^|, )x-id-token($|,)/);
  });
});
