import { checkConfig, cidrMatcher } from '@horizon/shared';
import type { AuthConfig, LoadedAuthConfig, ParsedPolicy } from './config.ts';
import { networkRule } from './policy/networks.ts';
import { readCredentialFolder } from './reply/app-credentials.ts';
import { decodeKeys } from './session/seal.ts';

/**
 * Cross-checks the loaded config and parses what its settings name (address ranges, cookie keys,
 * URLs, host names) once, into the frozen config the service runs on. Throws one
 * E_CONFIG_INVALID naming every key that is wrong (a first start with an empty config lists
 * everything it needs at once).
 */
export function parseAuthConfig(c: LoadedAuthConfig): AuthConfig {
  let parsed: AuthConfig | undefined;
  checkConfig((fail) => {
    checkOidc(c.oidc, fail);
    const keys = checkCookie(c.cookie, fail);
    checkSessionAndHeaders(c, fail);
    const policies = checkPolicies(c, fail);
    const trusted = attempt(fail, () => cidrMatcher(c.trustedProxies, 'trustedProxies'));
    if (trusted && keys && policies) parsed = compiled(c, trusted, keys, policies);
  });
  return parsed as AuthConfig;
}

/** {@link parseAuthConfig} for its checks only: what the service's runner calls before building. */
export function checkAuthConfig(c: LoadedAuthConfig): void {
  parseAuthConfig(c);
}

/** The value `parse` gives, or undefined after reporting its error (every problem is listed at once). */
function attempt<T>(fail: (message: string) => void, parse: () => T): T | undefined {
  try {
    return parse();
  } catch (err) {
    fail((err as Error).message);
    return undefined;
  }
}

function compiled(
  c: LoadedAuthConfig,
  trusted: (address: string) => boolean,
  keys: Buffer[],
  policies: ParsedPolicy[],
): AuthConfig {
  const logout = c.oidc.postLogoutRedirect ? URL.parse(c.oidc.postLogoutRedirect) : null;
  return Object.freeze({
    ...c,
    policies: Object.freeze(policies),
    trustedProxies: trusted,
    // Cookie domains compare lower-case, with or without their leading dot (RFC 6265 5.2.3).
    cookie: Object.freeze({ ...c.cookie, keys, domain: c.cookie.domain.replace(/^\./, '').toLowerCase() }),
    oidc: Object.freeze({
      ...c.oidc,
      postLogoutRedirect: logout
        ? Object.freeze({ href: logout.href, hostname: logout.hostname })
        : undefined,
    }),
    redirectHosts: Object.freeze(c.redirectHosts.map((h) => h.toLowerCase())),
  });
}

type Fail = (message: string) => void;

function checkOidc(oidc: LoadedAuthConfig['oidc'], fail: Fail): void {
  if (!URL.canParse(oidc.issuer))
    fail('oidc.issuer: the provider URL is required (e.g. https://id.example.com)');
  else if (new URL(oidc.issuer).protocol !== 'https:' && !oidc.allowHttp)
    fail('oidc.issuer: must be https (oidc.allowHttp is for the development provider only)');
  if (!oidc.clientId) fail('oidc.clientId: required (the client created in Pocket-ID)');
  if (!oidc.scopes.includes('openid')) fail('oidc.scopes: must include openid');
  for (const [key, path] of [
    ['oidc.callbackPath', oidc.callbackPath],
    ['oidc.signOutPath', oidc.signOutPath],
  ] as const) {
    if (!path.startsWith('/')) fail(`${key}: must start with /`);
  }
}

/** The cookie settings checked, and the keys decoded (undefined when one is bad). */
function checkCookie(cookie: LoadedAuthConfig['cookie'], fail: Fail): Buffer[] | undefined {
  if (cookie.keys.length === 0)
    fail('cookie.keys: at least one key (openssl rand -base64 32), e.g. HORIZON_COOKIE_KEYS_FILE');
  const keys = attempt(fail, () => decodeKeys(cookie.keys));
  const name = cookie.name;
  if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name)) fail('cookie.name: not a valid cookie name');
  if (name.startsWith('__Host-') && (!cookie.secure || cookie.domain)) {
    fail(
      'cookie.name: a __Host- cookie needs cookie.secure and no cookie.domain (rename it, e.g. __Secure-horizon)',
    );
  }
  if (name.startsWith('__Secure-') && !cookie.secure)
    fail('cookie.name: a __Secure- cookie needs cookie.secure');
  if (cookie.idleSeconds > cookie.absoluteSeconds)
    fail('cookie.idleSeconds: longer than cookie.absoluteSeconds');
  return keys;
}

/** Names removed from every request and refused from clients: never one the check itself reads. */
const READ_BY_THE_CHECK =
  /^(host|cookie|authorization|accept|content-length|content-type|transfer-encoding|x-forwarded-(for|proto|host|uri|method)|x-request-id|x-horizon-auth-request|sec-fetch-.*)$/i;

/** A header name: a token, and never one the check itself reads (it would be taken from the client). */
export const isHeaderName = (name: string): boolean =>
  /^[A-Za-z0-9][A-Za-z0-9-]*$/.test(name) && !READ_BY_THE_CHECK.test(name);

function checkSessionAndHeaders(c: LoadedAuthConfig, fail: Fail): void {
  if (c.session.store === 'redis' && !c.session.redisUrl)
    fail('session.redisUrl: required by session.store "redis"');
  if (!c.appPasswords.path.startsWith('/')) fail('appPasswords.path: must start with /');
  if (!isHeaderName(c.headers.access)) fail(`headers.access: "${c.headers.access}" is not a header name`);
  if (c.headers.jwt && !c.headers.jwtKey) fail('headers.jwtKey: required when headers.jwt is set');
  for (const name of c.headers.remove) {
    if (!isHeaderName(name))
      fail(
        `headers.remove: "${name}" is not an identity header name (letters, digits and -; not one the check reads)`,
      );
  }
}

/** The policies checked, each with its networks compiled (undefined when one is wrong). */
function checkPolicies(c: LoadedAuthConfig, fail: Fail): ParsedPolicy[] | undefined {
  const names = new Set<string>();
  const out: ParsedPolicy[] = [];
  for (const [i, p] of c.policies.entries()) {
    const key = `policies[${i}]`;
    if (!p.name) fail(`${key}.name: required`);
    if (names.has(p.name)) fail(`${key}.name: "${p.name}" is used twice`);
    names.add(p.name);
    if (!p.pathPrefix.startsWith('/')) fail(`${key}.pathPrefix: must start with /`);
    for (const path of p.publicPaths)
      if (!path.startsWith('/')) fail(`${key}.publicPaths: "${path}" must start with /`);
    checkPolicyFeatures(c, p, key, fail);
    const rule = attempt(fail, () => networkRule(p.networks, p.loginNetworks, key));
    if (rule) out.push(Object.freeze({ ...p, passesWithoutLogin: rule }));
  }
  // Every Envoy check then starts with it, and a route whose SecurityPolicy lacks http.path
  // sends the client's own path: a prefix a client could write would let it name a policy.
  if (c.policyPathPrefix && !/^\/[A-Za-z0-9._~-]*[A-Za-z0-9]{16}[A-Za-z0-9._~-]*\/$/.test(c.policyPathPrefix))
    fail(
      'policyPathPrefix: one path segment with 16 or more random letters and digits, e.g. /_policy-$(openssl rand -hex 8)/ (a client must not be able to write it)',
    );
  return out.length === c.policies.length ? out : undefined;
}

/**
 * What a policy's app passwords, credentials and IdP tokens need: app passwords and IdP tokens
 * live on the server (revoked at once everywhere, refreshed once across replicas), so Redis; a
 * credential folder is read now, so a missing Secret stops the start instead of the first request.
 */
function checkPolicyFeatures(
  c: LoadedAuthConfig,
  p: LoadedAuthConfig['policies'][number],
  key: string,
  fail: Fail,
) {
  const redis = c.session.store === 'redis';
  if (p.appPasswords && !redis)
    fail(`${key}.appPasswords: needs session.store "redis" (revocation at once on every replica)`);
  if (p.idpToken !== 'none' && !redis)
    fail(`${key}.idpToken: needs session.store "redis" (the tokens are kept and refreshed on the server)`);
  if (
    !/^[A-Za-z0-9][A-Za-z0-9-]*$/.test(p.idpTokenHeader) ||
    /^(host|cookie|content-length)$/i.test(p.idpTokenHeader)
  )
    fail(`${key}.idpTokenHeader: "${p.idpTokenHeader}" is not a header name`);
  const credentials = p.appCredentials
    ? attempt(fail, () => readCredentialFolder(p.appCredentials, `${key}.appCredentials`))
    : undefined;
  if (p.idpToken !== 'none' && credentials?.[p.idpTokenHeader.toLowerCase()] !== undefined)
    fail(`${key}.idpTokenHeader: ${p.idpTokenHeader} is also one of the app's credentials (appCredentials)`);
}
