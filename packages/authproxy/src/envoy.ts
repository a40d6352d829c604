/**
 * The contract between a SecurityPolicy (Envoy Gateway's extAuth) and Horizon auth, in one place:
 * what Envoy must send the check, and what it must carry from an allow to the app. The README's
 * example, the manifests in deploy/ (tested equal) and `horizon doctor` all read these lists.
 */
export const HEADERS_TO_EXT_AUTH = {
  /** Without these a browser cannot sign in: the session cookie, the scheme for the callback URL,
   * and what tells a page load (a sign-in redirect) from an API call (a 401). */
  needed: ['cookie', 'accept', 'x-forwarded-proto', 'sec-fetch-mode', 'sec-fetch-site', 'sec-fetch-dest'],
  /** For the logs and the client's address, and a clicked link's user activation. */
  useful: ['x-forwarded-for', 'x-request-id', 'sec-fetch-user'],
} as const;

/**
 * What an allow carries to the app with the default identity header names: who the user is, and
 * the `cookie` header without Horizon's own cookies (so no app ever sees a session cookie).
 */
export const HEADERS_TO_BACKEND = [
  'x-auth-request-user',
  'x-auth-request-subject',
  'x-auth-request-email',
  'x-auth-request-groups',
  'x-auth-request-name',
  'cookie',
] as const;

/**
 * What the features of issue 16 add, listed in every SecurityPolicy of deploy/ and the README:
 * how the request passed (`x-auth-request-access`: a session, an app password, a bearer token, a
 * client network without an identity, a public path), and `authorization` for policies that give
 * the app its own credentials or the user's IdP token there. An app's other credential headers
 * (`appCredentials`, e.g. `x-api-key`) are added per gateway.
 */
export const HEADERS_TO_BACKEND_WITH_FEATURES = [
  ...HEADERS_TO_BACKEND,
  'x-auth-request-access',
  'authorization',
] as const;
