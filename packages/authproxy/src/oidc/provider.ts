import { createBackoff, describeError, HorizonError, type Logger } from '@horizon/shared';
import * as client from 'openid-client';
import type { AuthConfig } from '../config.ts';
import { authError } from '../errors.ts';
import type { Identity, Revalidated } from '../session/types.ts';
import { translateProviderError } from './errors.ts';
import { groupsOf, identityOf } from './identity.ts';

export type Fetch = typeof fetch;

export interface ProviderDeps {
  logger: Logger;
  /** Outbound HTTP; tests and the demo pass their own. Default: global fetch. */
  fetch?: Fetch;
}

/** What a redeemed callback gives. */
export interface Redeemed extends Revalidated {
  idToken?: string;
  /** The ID token's `iat`, seconds. */
  issuedAt: number;
}

/**
 * The OpenID Provider (Pocket-ID) as the service uses it. Discovery runs in the background and is
 * retried with backoff, so the service starts (and existing sessions keep working) while the
 * provider is down; calls that need it throw E_PROVIDER_UNAVAILABLE until it answers.
 */
export interface Provider {
  /** The discovered configuration; throws E_PROVIDER_UNAVAILABLE when discovery has not succeeded. */
  configuration(): Promise<client.Configuration>;
  /** True once discovery succeeded. */
  discovered(): boolean;
  /** Whether the provider answers now (its discovery document); an answer is remembered 1 s, a failure 5 s. */
  reachable(): Promise<boolean>;
  redeem(callbackUrl: URL, checks: { verifier: string; state: string; nonce: string }): Promise<Redeemed>;
  refresh(refreshToken: string): Promise<Revalidated>;
  userinfo(
    accessToken: string,
    sub: string | typeof client.skipSubjectCheck,
  ): Promise<Record<string, unknown>>;
  close(): void;
}

export function createProvider(oidc: AuthConfig['oidc'], deps: ProviderDeps): Provider {
  const logger = deps.logger.child({ component: 'oidc' });
  const fetchImpl = deps.fetch ?? fetch;
  const backoff = createBackoff({ initialMs: 1000, maxMs: 30_000 });
  const wantsGroups = oidc.scopes.includes('groups');
  let current: client.Configuration | undefined;
  let pending: Promise<client.Configuration> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const discover = async (): Promise<client.Configuration> => {
    const auth = oidc.clientSecret ? client.ClientSecretBasic(oidc.clientSecret) : client.None();
    const execute = oidc.allowHttp ? [client.allowInsecureRequests] : [];
    const metadata = { client_id: oidc.clientId, [client.clockTolerance]: oidc.clockSkewSeconds };
    const config = await client.discovery(new URL(oidc.issuer), oidc.clientId, metadata, auth, {
      execute,
      timeout: oidc.timeoutMs / 1000,
      [client.customFetch]: (url, init) => fetchImpl(url, init as RequestInit),
    });
    // Verify ID token signatures against the JWKS even though they come straight from the
    // token endpoint (openid-client skips that by default, as OIDC Core 3.1.3.7 allows).
    client.enableNonRepudiationChecks(config);
    return config;
  };

  const attempt = (): Promise<client.Configuration> => {
    pending ??= discover()
      .then((config) => {
        current = config;
        backoff.reset();
        logger.info({ issuer: oidc.issuer }, 'provider discovered');
        return config;
      })
      .catch((err: unknown) => {
        const delay = backoff.next();
        const failure = translateProviderError(err, 'discovery');
        // One line per retry (the provider being down is an outage, not a bug: no stack).
        logger.warn(
          { code: failure.code, err: describeError(failure), retry_ms: delay },
          'provider discovery failed',
        );
        if (!closed) timer = setTimeout(() => void attempt().catch(() => undefined), delay).unref();
        throw translateProviderError(err, 'discovery');
      })
      .finally(() => {
        pending = undefined;
      });
    return pending;
  };
  void attempt().catch(() => undefined);

  // A login while the provider is still undiscovered asks again at once (at most every 2 s)
  // instead of waiting for the next background attempt.
  let lastTry = 0;
  const configuration = async (): Promise<client.Configuration> => {
    if (current) return current;
    if (pending) return pending;
    if (Date.now() - lastTry < 2000)
      throw authError('E_PROVIDER_UNAVAILABLE', 'the provider has not been reached yet');
    lastTry = Date.now();
    clearTimeout(timer);
    return attempt();
  };

  const withGroups = async (
    config: client.Configuration,
    claims: Record<string, unknown>,
    accessToken: string,
  ): Promise<Identity> => {
    if (!wantsGroups || groupsOf(claims.groups) !== undefined) return identityOf(claims);
    // Some providers put groups only in userinfo.
    const info = await client.fetchUserInfo(config, accessToken, String(claims.sub));
    return identityOf({ ...info, ...claims }, groupsOf(info.groups));
  };

  // A login sends the browser to the provider; when the provider is down the user would see a
  // connection error there. Asking first (cheaply, cached) lets the service show a clear page.
  let health: { ok: boolean; at: number } | undefined;
  const reachable = async (): Promise<boolean> => {
    if (health && Date.now() - health.at < (health.ok ? 1000 : 5000)) return health.ok;
    const url = new URL(`${oidc.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`);
    const ok = await fetchImpl(url, { signal: AbortSignal.timeout(Math.min(oidc.timeoutMs, 2000)) })
      .then(async (res) => {
        await res.body?.cancel();
        return res.ok;
      })
      .catch(() => false);
    health = { ok, at: Date.now() };
    return ok;
  };

  return {
    configuration,
    reachable,
    discovered: () => current !== undefined,
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
        return {
          identity,
          refreshToken: tokens.refresh_token,
          idToken: tokens.id_token,
          issuedAt: Number(claims.iat),
        };
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
        return { identity, refreshToken: tokens.refresh_token, idToken: tokens.id_token };
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
    close() {
      closed = true;
      clearTimeout(timer);
    },
  };
}
