/** Error codes of the auth service (the shared ones are in @horizon/shared). */
export type AuthErrorCode =
  | 'E_SEAL' // a sealed value is malformed, forged, or sealed by an unknown key
  | 'E_PROVIDER_UNAVAILABLE' // the OpenID Provider cannot be reached (discovery, token, JWKS)
  | 'E_PROVIDER_REJECTED' // the provider answered with an OAuth error (invalid_grant, ...)
  | 'E_CALLBACK_INVALID' // a callback whose state, iss, code or ID token does not check out
  | 'E_TOKEN_INVALID' // a bearer token that does not validate
  | 'E_SESSION_STORE'; // the Redis session store failed

import { HorizonError } from '@horizon/shared';

export type AuthError = HorizonError<AuthErrorCode>;

export const authError = (code: AuthErrorCode, message: string, cause?: unknown): AuthError =>
  new HorizonError(code, message, cause === undefined ? undefined : { cause });
