import { HorizonError } from '@horizon/shared';
import * as client from 'openid-client';
import { authError } from '../errors.ts';
import type { Identity, Revalidated } from '../session/types.ts';
import { translateProviderError } from './errors.ts';
import { groupsOf, identityOf } from './identity.ts';

/** What a redeemed callback gives. */
export interface Redeemed extends Revalidated {
  idToken?: string;
  /** The ID token's `iat`, seconds. */
  issuedAt: number;
}

/** The PKCE verifier, state and nonce a callback must match. */
export interface FlowChecks {
  verifier: string;
  state: string;
  nonce: string;
}

/** The provider's token and userinfo endpoints, each error translated once (oidc/errors.ts). */
export interface TokenCalls {
  redeem(callbackUrl: URL, checks: FlowChecks): Promise<Redeemed>;
  refresh(refreshToken: string): Promise<Revalidated>;
  userinfo(
    accessToken: string,
    sub: string | typeof client.skipSubjectCheck,
  ): Promise<Record<string, unknown>>;
}

/** The access token and its lifetime (`expires_in`), which the store turns into a time on its own clock. */
const accessOf = (
  tokens: client.TokenEndpointResponse & client.TokenEndpointResponseHelpers,
): { accessToken: string; accessExpiresIn?: number } => {
  const seconds = tokens.expiresIn();
  return seconds === undefined
    ? { accessToken: tokens.access_token }
    : { accessToken: tokens.access_token, accessExpiresIn: seconds };
};

/**
 * The calls a login, a re-validation and a bearer token make at the provider. With the `groups`
 * scope asked for, an identity whose claims carry no groups gets them from userinfo (some
 * providers put them only there).
 */
export function createTokenCalls(
  configuration: () => Promise<client.Configuration>,
  scopes: readonly string[],
): TokenCalls {
  const wantsGroups = scopes.includes('groups');

  const withGroups = async (
    config: client.Configuration,
    claims: Record<string, unknown>,
    accessToken: string,
  ): Promise<Identity> => {
    if (!wantsGroups || groupsOf(claims.groups) !== undefined) return identityOf(claims);
    const info = await client.fetchUserInfo(config, accessToken, String(claims.sub));
    return identityOf({ ...info, ...claims }, groupsOf(info.groups));
  };

  return {
    async redeem(callbackUrl, checks) {
      const config = await configuration();
      try {
        const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
          pkceCodeVerifier: checks.verifier,
          expectedState: checks.state,
          expectedNonce: checks.nonce,
          idTokenExpected: true,
        });
        const claims = tokens.claims();
        if (!claims) throw authError('E_CALLBACK_INVALID', 'no ID token');
        const identity = await withGroups(config, claims as Record<string, unknown>, tokens.access_token);
        const { refresh_token: refreshToken, id_token: idToken } = tokens;
        return { identity, refreshToken, idToken, ...accessOf(tokens), issuedAt: Number(claims.iat) };
      } catch (err) {
        throw err instanceof HorizonError ? err : translateProviderError(err, 'code exchange');
      }
    },
    async refresh(refreshToken) {
      const config = await configuration();
      try {
        const tokens = await client.refreshTokenGrant(config, refreshToken);
        const claims =
          (tokens.claims() as Record<string, unknown> | undefined) ??
          (await client.fetchUserInfo(config, tokens.access_token, client.skipSubjectCheck));
        const identity = await withGroups(config, claims, tokens.access_token);
        return {
          identity,
          refreshToken: tokens.refresh_token,
          idToken: tokens.id_token,
          ...accessOf(tokens),
        };
      } catch (err) {
        throw translateProviderError(err, 'refresh');
      }
    },
    async userinfo(accessToken, sub) {
      const config = await configuration();
      try {
        return (await client.fetchUserInfo(config, accessToken, sub)) as Record<string, unknown>;
      } catch (err) {
        throw translateProviderError(err, 'userinfo');
      }
    },
  };
}
