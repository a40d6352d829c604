import { type Clock, createBackoff, describeError, type Logger } from '@horizon/shared';
import * as client from 'openid-client';
import type { AuthConfig } from '../config.ts';
import { authError } from '../errors.ts';
import { translateProviderError } from './errors.ts';

export type Fetch = typeof fetch;

export interface DiscoveryDeps {
  logger: Logger;
  fetch: Fetch;
  /** Retry delays and the "ask again at once" interval run on it. */
  clock: Clock;
}

/** The provider's configuration, discovered in the background. */
export interface Discovery {
  /** The discovered configuration; throws E_PROVIDER_UNAVAILABLE while discovery has not succeeded. */
  configuration(): Promise<client.Configuration>;
  /** True once discovery succeeded. */
  discovered(): boolean;
  /** Stops the retries. */
  close(): void;
}

/** A login while the provider is undiscovered asks again at once, at most this often (ms). */
const ASK_AGAIN_MS = 2000;

/**
 * Discovers the provider (its `.well-known/openid-configuration`) at once and, until that
 * succeeds, again with jittered backoff (1 s doubling to 30 s), one attempt at a time: the service
 * starts, and existing sessions keep working, while the provider is down. ID token signatures are
 * verified against the JWKS even though they come straight from the token endpoint
 * (openid-client skips that by default, as OIDC Core 3.1.3.7 allows).
 */
export function createDiscovery(oidc: AuthConfig['oidc'], deps: DiscoveryDeps): Discovery {
  const { logger, clock } = deps;
  const backoff = createBackoff({ initialMs: 1000, maxMs: 30_000 });
  const issuer = new URL(oidc.issuer);
  const auth = oidc.clientSecret ? client.ClientSecretBasic(oidc.clientSecret) : client.None();
  const metadata = { client_id: oidc.clientId, [client.clockTolerance]: oidc.clockSkewSeconds };
  const options = {
    execute: oidc.allowHttp ? [client.allowInsecureRequests] : [],
    timeout: oidc.timeoutMs / 1000,
    [client.customFetch]: (url: string, init: client.CustomFetchOptions) =>
      deps.fetch(url, init as RequestInit),
  };
  let current: client.Configuration | undefined;
  let pending: Promise<client.Configuration> | undefined;
  /** Cancels the retry waiting now (a login asking at once, or close). */
  let waiting = new AbortController();
  let closed = false;
  let lastAsked = Number.NEGATIVE_INFINITY;

  const discover = async (): Promise<client.Configuration> => {
    const config = await client.discovery(issuer, oidc.clientId, metadata, auth, options);
    client.enableNonRepudiationChecks(config);
    return config;
  };

  const retryLater = (delay: number) => {
    waiting = new AbortController();
    const signal = waiting.signal;
    void clock.delay(delay, signal).then(() => {
      if (!signal.aborted && !closed) void attempt().catch(() => undefined);
    });
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
        if (!closed) retryLater(delay);
        throw failure;
      })
      .finally(() => {
        pending = undefined;
      });
    return pending;
  };
  void attempt().catch(() => undefined);

  return {
    async configuration() {
      if (current) return current;
      if (pending) return pending;
      // Instead of waiting for the next background attempt; at most every ASK_AGAIN_MS.
      if (clock.now() - lastAsked < ASK_AGAIN_MS)
        throw authError('E_PROVIDER_UNAVAILABLE', 'the provider has not been reached yet');
      lastAsked = clock.now();
      waiting.abort();
      return attempt();
    },
    discovered: () => current !== undefined,
    close() {
      closed = true;
      waiting.abort();
    },
  };
}
