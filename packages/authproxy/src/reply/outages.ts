import { hasCode } from '@horizon/shared';
import { htmlPage, type Reply } from './reply.ts';

/**
 * The provider cannot be reached. Not a 5xx: Envoy turns a 5xx from the auth service into its own
 * bare 403; a 424 reaches the browser.
 */
export const providerUnavailable = (): Reply =>
  htmlPage(
    424,
    'Sign-in is unavailable',
    'The sign-in service (503 Service Unavailable) cannot be reached right now. Existing sessions still work; try again in a minute.',
    'provider-unavailable',
    { 'retry-after': '30' },
  );

/** The session store (Redis) failed or timed out: nothing can be decided, so nothing passes. */
export const storeUnavailable = (): Reply =>
  htmlPage(
    424,
    'Sessions are unavailable',
    'The session store does not answer, so sign-ins cannot be checked right now. Try again in a minute.',
    'store-unavailable',
    { 'retry-after': '10' },
  );

/** The answer for an error while answering: the store's and the provider's outages say so. */
export const outagePage = (err: unknown): Reply | undefined =>
  hasCode(err, 'E_SESSION_STORE')
    ? storeUnavailable()
    : hasCode(err, 'E_PROVIDER_UNAVAILABLE')
      ? providerUnavailable()
      : undefined;
