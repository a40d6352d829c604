import { createPublicKey } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, importPKCS8, type JWK, SignJWT } from 'jose';
import { LRUCache } from 'lru-cache';
import { authError } from './errors.ts';
import type { Identity } from './session/types.ts';

/**
 * A short-lived JWT of the identity, signed by this service, for apps that want to verify who
 * they are talking to rather than trust a header (as Pomerium does). Its JWKS is served on the
 * ops port at `/jwks.json`. Tokens are reused for half their life per session and host, so
 * signing is not on every request.
 */
export interface IdentitySigner {
  /** `sid` names what the token is reused for: a session, or an app password. */
  sign(session: Identity & { sid: string }, audience: string, now: number): Promise<string>;
  jwks(): { keys: JWK[] };
}

export async function createIdentitySigner(
  pem: string,
  issuer: string,
  ttlSeconds: number,
  /** Tokens kept for reuse (`session.cacheSize`); past it the least recently used go. */
  cacheSize = 10_000,
): Promise<IdentitySigner> {
  let key: Awaited<ReturnType<typeof importPKCS8>>;
  let publicJwk: JWK;
  try {
    key = await importPKCS8(pem, 'ES256');
    publicJwk = await exportJWK(createPublicKey(pem));
  } catch (err) {
    throw authError('E_SEAL', 'headers.jwtKey: not a PKCS#8 PEM EC P-256 private key', err);
  }
  const kid = await calculateJwkThumbprint(publicJwk);
  const jwk = { ...publicJwk, kid, alg: 'ES256', use: 'sig' };
  const cache = new LRUCache<string, { token: string; renewAt: number }>({ max: cacheSize });
  return {
    async sign(session, audience, now) {
      const cacheKey = `${session.sid}\n${audience}`;
      const hit = cache.get(cacheKey);
      if (hit && hit.renewAt > now) return hit.token;
      const token = await new SignJWT({
        email: session.email,
        name: session.name,
        preferred_username: session.user,
        groups: session.groups,
      })
        .setProtectedHeader({ alg: 'ES256', kid, typ: 'JWT' })
        .setIssuer(issuer)
        .setSubject(session.sub)
        .setAudience(audience)
        .setIssuedAt(now)
        .setExpirationTime(now + ttlSeconds)
        .sign(key);
      cache.set(cacheKey, { token, renewAt: now + Math.floor(ttlSeconds / 2) });
      return token;
    },
    jwks: () => ({ keys: [jwk] }),
  };
}
