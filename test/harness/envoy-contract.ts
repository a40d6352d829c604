/**
 * The ext_authz HTTP service contract as pure functions, from Envoy's `ext_authz_http_impl.cc`
 * and Envoy Gateway's SecurityPolicy translation (`extauth.go`: `http.path` is Envoy's
 * `path_prefix`, `headersToExtAuth` its `allowed_headers`, `headersToBackend` its
 * `allowed_upstream_headers`). The contract gateway uses them, and so do tests that send checks
 * straight to the service as Envoy would and need to know what the app would then receive.
 */

/** The headersToExtAuth of the design's SecurityPolicy (deploy/kubernetes/apps/home/bentopdf). */
export const EXT_AUTH_HEADERS = [
  'cookie',
  'accept',
  'x-forwarded-proto',
  'x-forwarded-for',
  'x-request-id',
  'sec-fetch-mode',
  'sec-fetch-site',
  'sec-fetch-dest',
  'sec-fetch-user',
];
/** Horizon auth's identity headers. */
export const IDENTITY_HEADERS = [
  'x-auth-request-user',
  'x-auth-request-subject',
  'x-auth-request-email',
  'x-auth-request-groups',
  'x-auth-request-name',
  'x-auth-request-access',
];
/**
 * The headersToBackend of the design's SecurityPolicy: the identity, the app's own cookies, and
 * Authorization (the app's credentials or the user's IdP token, where a policy gives them).
 */
export const HEADERS_TO_BACKEND = [...IDENTITY_HEADERS, 'cookie', 'authorization'];

export type Headers = Record<string, string | string[]>;

/**
 * The headers of the check request: `Host`, `Content-Length: 0`, `Authorization` (always sent),
 * and only the client headers `headersToExtAuth` lists (Envoy Gateway's default lists none).
 */
export function checkHeaders(client: Headers, host: string, headersToExtAuth: readonly string[]): Headers {
  const toAuth = new Set(headersToExtAuth.map((h) => h.toLowerCase()));
  const out: Headers = { host, 'content-length': '0' };
  for (const [k, v] of Object.entries(client)) if (k === 'authorization' || toAuth.has(k)) out[k] = v;
  return out;
}

/**
 * The request headers the upstream gets after a 200: the answer's headers that headersToBackend
 * names overwrite the client's, then every name in `x-envoy-auth-headers-to-remove` is removed
 * (Host excepted). Returns a new object.
 */
export function applyAllow(
  client: Headers,
  answer: Record<string, string | string[] | undefined>,
  headersToBackend: readonly string[],
): Headers {
  const out: Headers = { ...client };
  const toBackend = new Set(headersToBackend.map((h) => h.toLowerCase()));
  for (const [k, v] of Object.entries(answer)) if (toBackend.has(k) && v !== undefined) out[k] = v;
  const remove = String(answer['x-envoy-auth-headers-to-remove'] ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s && s !== 'host');
  for (const name of remove) delete out[name];
  return out;
}
