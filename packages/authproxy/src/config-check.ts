import { checkConfig, cidrMatcher } from '@horizon/shared';
import type { AuthConfig } from './config.ts';
import { decodeKeys } from './session/seal.ts';

/**
 * Cross-checks the auth config once at start; throws one E_CONFIG_INVALID naming every key that
 * is wrong (a first start with an empty config lists everything it needs at once).
 */
export function checkAuthConfig(c: AuthConfig): void {
  checkConfig((fail) => checks(c, fail));
}

function checks(c: AuthConfig, fail: (message: string) => void): void {
  if (!URL.canParse(c.oidc.issuer))
    fail('oidc.issuer: the provider URL is required (e.g. https://id.example.com)');
  else if (new URL(c.oidc.issuer).protocol !== 'https:' && !c.oidc.allowHttp)
    fail('oidc.issuer: must be https (oidc.allowHttp is for the development provider only)');
  if (!c.oidc.clientId) fail('oidc.clientId: required (the client created in Pocket-ID)');
  if (!c.oidc.scopes.includes('openid')) fail('oidc.scopes: must include openid');
  for (const [key, path] of [
    ['oidc.callbackPath', c.oidc.callbackPath],
    ['oidc.signOutPath', c.oidc.signOutPath],
  ] as const) {
    if (!path.startsWith('/')) fail(`${key}: must start with /`);
  }
  if (c.cookie.keys.length === 0)
    fail('cookie.keys: at least one key (openssl rand -base64 32), e.g. HORIZON_COOKIE_KEYS_FILE');
  try {
    decodeKeys(c.cookie.keys);
  } catch (err) {
    fail((err as Error).message);
  }
  const name = c.cookie.name;
  if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name)) fail('cookie.name: not a valid cookie name');
  if (name.startsWith('__Host-') && (!c.cookie.secure || c.cookie.domain)) {
    fail(
      'cookie.name: a __Host- cookie needs cookie.secure and no cookie.domain (rename it, e.g. __Secure-horizon)',
    );
  }
  if (name.startsWith('__Secure-') && !c.cookie.secure)
    fail('cookie.name: a __Secure- cookie needs cookie.secure');
  if (c.cookie.idleSeconds > c.cookie.absoluteSeconds)
    fail('cookie.idleSeconds: longer than cookie.absoluteSeconds');
  if (c.session.store === 'redis' && !c.session.redisUrl)
    fail('session.redisUrl: required by session.store "redis"');
  if (c.headers.jwt && !c.headers.jwtKey) fail('headers.jwtKey: required when headers.jwt is set');
  // Names removed from every request and refused from clients: never one the check itself reads.
  const reads =
    /^(host|cookie|authorization|accept|content-length|content-type|transfer-encoding|x-forwarded-(for|proto|host|uri|method)|x-request-id|x-horizon-auth-request|sec-fetch-.*)$/i;
  for (const name of c.headers.remove) {
    if (!/^[A-Za-z0-9][A-Za-z0-9-]*$/.test(name) || reads.test(name))
      fail(
        `headers.remove: "${name}" is not an identity header name (letters, digits and -; not one the check reads)`,
      );
  }
  const names = new Set<string>();
  for (const [i, p] of c.policies.entries()) {
    if (!p.name) fail(`policies[${i}].name: required`);
    if (names.has(p.name)) fail(`policies[${i}].name: "${p.name}" is used twice`);
    names.add(p.name);
    if (!p.pathPrefix.startsWith('/')) fail(`policies[${i}].pathPrefix: must start with /`);
    for (const path of p.publicPaths)
      if (!path.startsWith('/')) fail(`policies[${i}].publicPaths: "${path}" must start with /`);
  }
  // Every Envoy check then starts with it, and a route whose SecurityPolicy lacks http.path
  // sends the client's own path: a prefix a client could write would let it name a policy.
  if (c.policyPathPrefix && !/^\/[A-Za-z0-9._~-]*[A-Za-z0-9]{16}[A-Za-z0-9._~-]*\/$/.test(c.policyPathPrefix))
    fail(
      'policyPathPrefix: one path segment with 16 or more random letters and digits, e.g. /_policy-$(openssl rand -hex 8)/ (a client must not be able to write it)',
    );
  try {
    cidrMatcher(c.trustedProxies, 'trustedProxies');
  } catch (err) {
    fail((err as Error).message);
  }
}
