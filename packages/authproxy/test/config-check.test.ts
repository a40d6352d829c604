import { randomBytes } from 'node:crypto';
import { loadConfig } from '@horizon/shared';
import { describe, expect, it } from 'vitest';
import { AuthConfigSchema } from '../src/config.ts';
import { checkAuthConfig, parseAuthConfig } from '../src/config-check.ts';
import { authConfig } from './auth-config.ts';

const KEY = randomBytes(32).toString('base64url');
const problems = (overrides: Record<string, unknown>): string => {
  const { config } = loadConfig(AuthConfigSchema, { overrides });
  try {
    checkAuthConfig(config);
    return '';
  } catch (err) {
    return (err as Error).message;
  }
};
const valid = {
  'oidc.issuer': 'https://id.example.com',
  'oidc.clientId': 'horizon',
  'cookie.keys': [KEY],
};

describe('checkAuthConfig', () => {
  it('passes a minimal config', () => {
    expect(problems(valid)).toBe('');
  });

  it('lists everything an empty config lacks at once, not one problem per start', () => {
    expect(problems({})).toBe(
      'invalid config:\n' +
        '  oidc.issuer: the provider URL is required (e.g. https://id.example.com)\n' +
        '  oidc.clientId: required (the client created in Pocket-ID)\n' +
        '  cookie.keys: at least one key (openssl rand -base64 32), e.g. HORIZON_COOKIE_KEYS_FILE',
    );
  });

  it.each([
    [{ 'oidc.issuer': 'http://id.example.com' }, 'oidc.issuer: must be https'],
    [{ 'oidc.scopes': ['profile'] }, 'oidc.scopes: must include openid'],
    [{ 'oidc.callbackPath': 'oauth2/callback' }, 'oidc.callbackPath: must start with /'],
    [{ 'cookie.keys': ['short'] }, 'cookie.keys'],
    [{ 'cookie.name': 'a b' }, 'cookie.name: not a valid cookie name'],
    [
      { 'cookie.name': '__Host-x', 'cookie.domain': 'example.com' },
      'a __Host- cookie needs cookie.secure and no cookie.domain',
    ],
    [{ 'cookie.name': '__Secure-x', 'cookie.secure': false }, 'a __Secure- cookie needs cookie.secure'],
    [
      { 'cookie.idleSeconds': 7200, 'cookie.absoluteSeconds': 3600 },
      'cookie.idleSeconds: longer than cookie.absoluteSeconds',
    ],
    [{ 'session.store': 'redis' }, 'session.redisUrl: required'],
    [{ 'headers.remove': ['cookie'] }, 'headers.remove: "cookie" is not an identity header name'],
    [
      {
        policies: [
          { name: 'a', hosts: ['x'] },
          { name: 'a', hosts: ['y'] },
        ],
      },
      'policies[1].name: "a" is used twice',
    ],
    [{ policyPathPrefix: '/_policy/' }, 'policyPathPrefix: one path segment with 16 or more random'],
    [{ trustedProxies: ['10.0.0.0/33'] }, 'trustedProxies: "10.0.0.0/33" is not an address or CIDR'],
    [
      { policies: [{ name: 'a', appPasswords: true }] },
      'policies[0].appPasswords: needs session.store "redis"',
    ],
    [{ policies: [{ name: 'a', idpToken: 'access' }] }, 'policies[0].idpToken: needs session.store "redis"'],
    [
      { policies: [{ name: 'a', idpTokenHeader: 'X Id' }] },
      'policies[0].idpTokenHeader: "X Id" is not a header name',
    ],
    [
      { policies: [{ name: 'a', networks: ['lan'] }] },
      'policies[0].networks: "lan" is not an address or CIDR',
    ],
    [
      { policies: [{ name: 'a', loginNetworks: ['10.0.0.1/40'] }] },
      'policies[0].loginNetworks: "10.0.0.1/40"',
    ],
    [
      { policies: [{ name: 'a', appCredentials: 'secrets/app' }] },
      'policies[0].appCredentials: "secrets/app" must be an absolute path',
    ],
    [
      { policies: [{ name: 'a', appCredentials: '/nonexistent/horizon' }] },
      'policies[0].appCredentials: cannot read /nonexistent/horizon',
    ],
    [{ 'appPasswords.path': 'oauth2/app-passwords' }, 'appPasswords.path: must start with /'],
    [{ 'headers.access': 'Cookie' }, 'headers.access: "Cookie" is not a header name'],
  ])('refuses %j', (bad, message) => {
    expect(problems({ ...valid, ...bad })).toContain(message);
  });
});

describe('parseAuthConfig', () => {
  const parse = (overrides: Record<string, unknown>) =>
    parseAuthConfig(loadConfig(AuthConfigSchema, { overrides: { ...valid, ...overrides } }).config);

  it('parses what the settings name once: ranges, keys, the cookie domain, URLs, hosts', () => {
    const config = parse({
      trustedProxies: ['10.0.0.0/8', '::1'],
      'cookie.name': '__Secure-horizon',
      'cookie.domain': '.Example.COM',
      'oidc.postLogoutRedirect': 'https://Home.Example.com/bye?x=1',
      redirectHosts: ['Home.Example.com'],
    });
    expect(['10.1.2.3', '::ffff:10.1.2.3', '::1', '11.0.0.1'].map(config.trustedProxies)).toEqual([
      true,
      true,
      true,
      false,
    ]);
    expect(config.cookie.keys).toEqual([Buffer.from(KEY, 'base64url')]);
    expect(config.cookie.domain).toBe('example.com');
    expect(config.oidc.postLogoutRedirect).toEqual({
      href: 'https://home.example.com/bye?x=1',
      hostname: 'home.example.com',
    });
    expect(config.redirectHosts).toEqual(['home.example.com']);
    expect([Object.isFrozen(config), Object.isFrozen(config.cookie), Object.isFrozen(config.oidc)]).toEqual([
      true,
      true,
      true,
    ]);
  });

  it("compiles each policy's client networks once", () => {
    const [lan] = parse({
      policies: [{ name: 'lan', networks: ['192.168.0.0/16'], loginNetworks: ['192.168.50.0/24'] }],
    }).policies;
    expect(['192.168.1.2', '192.168.50.2', '10.0.0.1'].map((a) => lan?.passesWithoutLogin(a))).toEqual([
      true,
      false,
      false,
    ]);
    expect(Object.isFrozen(lan)).toBe(true);
  });

  it('leaves an empty or unreadable post-logout target to the app root', () => {
    expect(parse({}).oidc.postLogoutRedirect).toBeUndefined();
    expect(parse({ 'oidc.postLogoutRedirect': 'not a url' }).oidc.postLogoutRedirect).toBeUndefined();
  });
});

describe('config checks of this issue', () => {
  it.each([
    [{ policyPathPrefix: '/_policy/' }, 'policyPathPrefix'],
    [{ policyPathPrefix: '/_policy-short/' }, 'policyPathPrefix'],
    [{ trustedProxies: ['10.0.0.0/33'] }, 'trustedProxies'],
    [{ trustedProxies: ['10.0.0.0/'] }, 'trustedProxies'],
    [{ trustedProxies: ['nginx'] }, 'trustedProxies'],
    [{ 'headers.remove': ['Cookie'] }, 'headers.remove'],
    [{ 'headers.remove': ['X_Grafana_User'] }, 'headers.remove'],
  ])('refuses %j, naming %s', (overrides, key) => {
    expect(() => authConfig(overrides)).toThrow(key);
  });
  it('takes an unguessable policy prefix and plain ranges', () => {
    expect(() =>
      authConfig({
        policyPathPrefix: '/_policy-3f9c2a7b1e8d4c60/',
        trustedProxies: ['10.0.0.0/8', 'fd00::/8', '127.0.0.1'],
      }),
    ).not.toThrow();
  });
});
