import { generateKeyPairSync } from 'node:crypto';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { createIdentitySigner } from '../src/identity-jwt.ts';
import { NOW, session } from './fixtures.ts';

const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const PEM = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();

describe('the identity JWT', () => {
  it('signs who the session is, for one app, verifiable with the JWKS it publishes', async () => {
    const signer = await createIdentitySigner(PEM, 'https://id.example.com', 60);
    const token = await signer.sign(session({ email: 'bob@example.com' }), 'pdf.localhost', NOW);
    const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(signer.jwks()), {
      issuer: 'https://id.example.com',
      audience: 'pdf.localhost',
      currentDate: new Date(NOW * 1000),
    });
    expect(payload).toMatchObject({
      sub: 'u-bob',
      preferred_username: 'bob',
      groups: ['family'],
      iat: NOW,
      exp: NOW + 60,
    });
    expect([protectedHeader.alg, protectedHeader.kid]).toEqual(['ES256', signer.jwks().keys[0]?.kid]);
  });

  it('reuses a token for half its life, per session and app', async () => {
    const signer = await createIdentitySigner(PEM, 'https://id.example.com', 60);
    const first = await signer.sign(session(), 'pdf.localhost', NOW);
    expect(await signer.sign(session(), 'pdf.localhost', NOW + 29)).toBe(first);
    expect(await signer.sign(session(), 'other.localhost', NOW + 29)).not.toBe(first);
    expect(await signer.sign(session(), 'pdf.localhost', NOW + 30)).not.toBe(first);
  });

  it('refuses a key that is not a PKCS#8 P-256 key, naming the setting', async () => {
    await expect(createIdentitySigner('not a key', 'https://id.example.com', 60)).rejects.toThrow(
      'headers.jwtKey',
    );
  });
});
