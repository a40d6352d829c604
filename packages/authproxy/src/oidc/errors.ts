import * as client from 'openid-client';
import { type AuthError, authError } from '../errors.ts';

/**
 * openid-client's errors translated once, here: an OAuth error from the provider (4xx, an
 * `error` member) is a refusal; a provider-side 5xx, a timeout or a connection error means the
 * provider cannot be asked; anything the client found wrong in a response is an invalid callback.
 */
export function translateProviderError(err: unknown, what: string): AuthError {
  if (err instanceof client.ResponseBodyError) {
    return err.status >= 500
      ? authError('E_PROVIDER_UNAVAILABLE', `${what}: provider answered ${err.status}`, err)
      : authError('E_PROVIDER_REJECTED', `${what}: provider refused (${err.error})`, err);
  }
  if (err instanceof client.AuthorizationResponseError) {
    return authError('E_PROVIDER_REJECTED', `${what}: provider refused (${err.error})`, err);
  }
  if (err instanceof client.ClientError) {
    const cause = (err as { cause?: unknown }).cause;
    // The client wraps network failures of fetch (TypeError, TimeoutError) as its own errors.
    if (cause instanceof TypeError || (cause instanceof Error && cause.name === 'TimeoutError')) {
      return authError('E_PROVIDER_UNAVAILABLE', `${what}: provider unreachable`, err);
    }
    return authError('E_CALLBACK_INVALID', `${what}: ${err.message}`, err);
  }
  if (err instanceof client.WWWAuthenticateChallengeError) {
    return authError('E_PROVIDER_REJECTED', `${what}: provider refused the token`, err);
  }
  return authError('E_PROVIDER_UNAVAILABLE', `${what}: provider unreachable`, err);
}
