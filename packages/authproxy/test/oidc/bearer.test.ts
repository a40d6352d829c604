import { generateKeyPairSync } from 'node:crypto';
import { Browser, echoed } from '@horizon/test/harness';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from '../helpers.ts';

/**
 * Scripts and CLIs with a Pocket-ID access token: a JWT signed by the provider's key, with no
 * groups in it (groups come from userinfo, which accepts the JWT, as Pocket-ID's does). The
 * JWKS is fetched from the real provider.
 */
describe('bearer tokens through the Envoy contract gateway', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ 'bearer.userinfoCacheSeconds': 300, 'session.cacheSize': 100 });
  });
  afterAll(() => stack.close());

  const token = (
    sub: string,
    over: { aud?: string; exp?: number; key?: Stack['op']['signing']['key'] } = {},
  ) =>
    // Pocket-ID's access tokens: its key, the client as audience, `type: oauth-access-token`.
    new SignJWT({ scope: 'openid profile email groups', type: 'oauth-access-token' })
      .setProtectedHeader({ alg: 'RS256', kid: stack.op.signing.kid, typ: 'JWT' })
      .setIssuer(stack.op.issuer)
      .setSubject(sub)
      .setAudience(over.aud ?? 'pdf')
      .setIssuedAt()
      .setExpirationTime(over.exp ?? Math.floor(Date.now() / 1000) + 300)
      .sign(over.key ?? stack.op.signing.key);
  const call = async (authorization: string) =>
    new Browser().send('GET', `${stack.app}/api/files`, {
      headers: { authorization, accept: 'application/json', 'sec-fetch-mode': 'cors' },
    });

  it('lets a member through with its identity; groups from userinfo, asked once per token', async () => {
    const bob = await token('u-bob');
    const before = stack.op.jwtUserinfoCalls.count;
    const res = await call(`Bearer ${bob}`);
    expect(res.status).toBe(200);
    const seen = echoed(res.body);
    expect(seen.headers['x-auth-request-user']).toBe('bob');
    expect(seen.headers['x-auth-request-groups']).toBe('family');
    expect((await call(`Bearer ${bob}`)).status).toBe(200);
    expect(stack.op.jwtUserinfoCalls.count - before).toBe(1);
  });

  it('answers 403 insufficient_scope to a valid token of a user outside the policy', async () => {
    const res = await call(`Bearer ${await token('u-eve')}`);
    expect(res.status).toBe(403);
    expect(res.headers['www-authenticate']).toContain('error="insufficient_scope"');
  });

  it.each([
    ['another audience', () => token('u-bob', { aud: 'other-client' })],
    ['expired', () => token('u-bob', { exp: Math.floor(Date.now() / 1000) - 3600 })],
    [
      'signed by another key',
      () => token('u-bob', { key: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey }),
    ],
  ])('answers 401 invalid_token to a token %s', async (_name, make) => {
    const res = await call(`Bearer ${await make()}`);
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toContain('error="invalid_token"');
  });

  it('keeps session.cacheSize verified tokens, forgetting the least recently used', async () => {
    const tokens = await Promise.all(
      Array.from({ length: 101 }, (_, i) => token('u-bob', { exp: Math.floor(Date.now() / 1000) + 300 + i })),
    );
    for (const t of tokens) expect((await call(`Bearer ${t}`)).status).toBe(200);
    const before = stack.op.jwtUserinfoCalls.count;
    expect((await call(`Bearer ${tokens[100]}`)).status).toBe(200); // remembered: no userinfo call
    expect(stack.op.jwtUserinfoCalls.count).toBe(before);
    expect((await call(`Bearer ${tokens[0]}`)).status).toBe(200); // forgotten: verified again
    expect(stack.op.jwtUserinfoCalls.count).toBe(before + 1);
  });

  it('never takes an ID token, though it has the same issuer, audience and key', async () => {
    const id = await new SignJWT({ nonce: 'n', type: 'id-token', email: 'bob@example.com' })
      .setProtectedHeader({ alg: 'RS256', kid: stack.op.signing.kid, typ: 'JWT' })
      .setIssuer(stack.op.issuer)
      .setSubject('u-bob')
      .setAudience('pdf')
      .setIssuedAt()
      .setExpirationTime(Math.floor(Date.now() / 1000) + 300)
      .sign(stack.op.signing.key);
    const res = await call(`Bearer ${id}`);
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toContain('error="invalid_token"');
  });
});
