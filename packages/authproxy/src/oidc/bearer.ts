import { createHash } from 'node:crypto';
import { HorizonError } from '@horizon/shared';
import { createRemoteJWKSet, customFetch, errors, type JWTPayload, jwtVerify } from 'jose';
import { LRUCache } from 'lru-cache';
import type { AuthConfig } from '../config.ts';
import { authError } from '../errors.ts';
import type { Identity } from '../session/types.ts';
import { groupsOf, identityOf } from './identity.ts';
import type { Fetch, Provider } from './provider.ts';

export interface BearerVerifier {
  /** The identity a provider-issued JWT names; throws E_TOKEN_INVALID or E_PROVIDER_UNAVAILABLE. */
  verify(token: string, now: number): Promise<Identity>;
}

export interface BearerDeps {
  config: Pick<AuthConfig, 'oidc' | 'bearer' | 'session'>;
  provider: Provider;
  fetch?: Fetch;
}

/**
 * An access token says so: RFC 9068's `typ: at+jwt`, or Pocket-ID's `type: oauth-access-token`
 * claim. An ID token has the same issuer, audience (the client ID) and key, and one leaves the
 * browser in every sign-out link that carries `id_token_hint`: it must never pass as a bearer.
 */
function isAccessToken(header: { typ?: string }, payload: JWTPayload): boolean {
  const typ = header.typ?.toLowerCase();
  return typ === 'at+jwt' || typ === 'application/at+jwt' || payload.type === 'oauth-access-token';
}

/** Only asymmetric signatures: `none` and HMAC (a client could sign with a public value) are refused. */
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

/**
 * Bearer tokens for scripts and CLIs: a Pocket-ID JWT access token checked against the
 * provider's JWKS (cached by jose, refetched on an unknown `kid`), issuer, audience, expiry and
 * its type (never an ID token). Pocket-ID's
 * access tokens carry no groups or names, so those come from a userinfo call, cached per token.
 * Verified tokens are cached until they expire, so a script's requests cost a map lookup.
 */
export function createBearerVerifier(deps: BearerDeps): BearerVerifier {
  const { oidc, bearer } = deps.config;
  const audiences = bearer.audiences.length > 0 ? bearer.audiences : [oidc.clientId];
  // As many verified tokens as verified sessions (`session.cacheSize`); past it the least recently used go.
  const verified = new LRUCache<string, { id: Identity; exp: number }>({
    max: deps.config.session.cacheSize,
  });
  let jwks: ReturnType<typeof createRemoteJWKSet> | undefined;

  const keySet = async () => {
    if (jwks) return jwks;
    const meta = (await deps.provider.configuration()).serverMetadata();
    if (!meta.jwks_uri) throw authError('E_PROVIDER_UNAVAILABLE', 'the provider publishes no jwks_uri');
    const f = deps.fetch ?? fetch;
    jwks = createRemoteJWKSet(new URL(meta.jwks_uri), {
      timeoutDuration: oidc.timeoutMs,
      [customFetch]: (url, init) => f(url, init),
    });
    return jwks;
  };

  // Pocket-ID's access tokens name the user by `sub` only: who it is (username, email, name,
  // groups) comes from userinfo, which accepts the token. A token carrying them needs no call.
  const groupsScope = oidc.scopes.includes('groups');
  const claimsOf = async (token: string, payload: JWTPayload): Promise<Record<string, unknown>> => {
    const wantsGroups = groupsScope && groupsOf(payload.groups) === undefined;
    if (!wantsGroups && payload.preferred_username !== undefined) return payload;
    const info = await deps.provider.userinfo(token, String(payload.sub));
    return { ...payload, ...info, sub: payload.sub };
  };

  return {
    async verify(token, now) {
      const key = createHash('sha256').update(token).digest('base64url');
      const hit = verified.get(key);
      if (hit && hit.exp > now) return hit.id;
      let payload: JWTPayload;
      let header: { typ?: string };
      try {
        ({ payload, protectedHeader: header } = await jwtVerify(token, await keySet(), {
          issuer: oidc.issuer,
          audience: audiences,
          algorithms: ALGORITHMS,
          clockTolerance: oidc.clockSkewSeconds,
          currentDate: new Date(now * 1000),
          requiredClaims: ['exp', 'sub'],
        }));
      } catch (err) {
        if (err instanceof errors.JOSEError && !(err instanceof errors.JWKSTimeout)) {
          throw authError('E_TOKEN_INVALID', `bearer token: ${err.code}`, err);
        }
        throw err instanceof HorizonError
          ? err
          : authError('E_PROVIDER_UNAVAILABLE', 'cannot fetch the provider JWKS', err);
      }
      if (!isAccessToken(header, payload))
        throw authError('E_TOKEN_INVALID', 'bearer token: not an access token (ID tokens are refused)');
      const id = identityOf(await claimsOf(token, payload));
      const exp = Math.min(Number(payload.exp), now + bearer.userinfoCacheSeconds);
      if (exp > now) verified.set(key, { id, exp });
      return id;
    },
  };
}
