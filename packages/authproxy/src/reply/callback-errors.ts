import { htmlPage, type Reply } from './reply.ts';

const TRY_AGAIN = 'Open the app again to sign in.';

/**
 * What a person is told when the provider sends the browser back with an `error` (RFC 6749
 * 4.1.2.1, OpenID Connect Core 3.1.2.6). Fixed texts per code: the callback URL is anyone's to
 * write, so nothing of it (not the code, not `error_description`) is ever shown; a page once read
 * "The identity provider answered: Your account is locked. Call +1-555-0100 now".
 */
const TEXTS: Record<string, [status: number, text: string]> = {
  access_denied: [403, 'The sign-in was cancelled or refused at the identity provider.'],
  login_required: [403, `The identity provider needs you to sign in. ${TRY_AGAIN}`],
  interaction_required: [403, `The identity provider needs you to confirm the sign-in. ${TRY_AGAIN}`],
  consent_required: [403, 'The identity provider needs your consent for this app, which was not given.'],
  account_selection_required: [403, `The identity provider needs you to pick an account. ${TRY_AGAIN}`],
  temporarily_unavailable: [
    424,
    'The identity provider is busy or down for maintenance. Try again in a minute.',
  ],
  server_error: [424, 'The identity provider had an internal error. Try again in a minute.'],
  invalid_request: [400, `The identity provider refused the sign-in request. ${TRY_AGAIN}`],
  unauthorized_client: [
    400,
    'The identity provider does not allow this app to sign in this way (check its client settings).',
  ],
  unsupported_response_type: [
    400,
    'The identity provider does not support this sign-in (check its client settings).',
  ],
  invalid_scope: [400, 'The identity provider refused the scopes this app asks for (check oidc.scopes).'],
  invalid_request_uri: [400, `The identity provider refused the sign-in request. ${TRY_AGAIN}`],
  invalid_request_object: [400, `The identity provider refused the sign-in request. ${TRY_AGAIN}`],
  request_not_supported: [400, `The identity provider refused the sign-in request. ${TRY_AGAIN}`],
  request_uri_not_supported: [400, `The identity provider refused the sign-in request. ${TRY_AGAIN}`],
  registration_not_supported: [400, `The identity provider refused the sign-in request. ${TRY_AGAIN}`],
};
const OTHER: [number, string] = [400, `The identity provider did not complete the sign-in. ${TRY_AGAIN}`];

/** The error codes with a text of their own (the metrics label a callback error by one of these or `other`). */
export const KNOWN_CALLBACK_ERRORS: ReadonlySet<string> = new Set(Object.keys(TEXTS));

/** The page for a callback carrying `error=<code>`. Not a 5xx: Envoy would replace it with its own bare 403. */
export function callbackErrorPage(code: string): Reply {
  const [status, text] = Object.hasOwn(TEXTS, code) ? (TEXTS[code] as [number, string]) : OTHER;
  return htmlPage(status, 'Sign-in refused', text, 'callback-refused');
}
