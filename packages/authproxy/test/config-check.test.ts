import { randomBytes } from 'node:crypto';
import { loadConfig } from '@horizon/shared';
import { describe, expect, it } from 'vitest';
import { AuthConfigSchema } from '../src/config.ts';
import { checkAuthConfig } from '../src/config-check.ts';

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
  ])('refuses %j', (bad, message) => {
    expect(problems({ ...valid, ...bad })).toContain(message);
  });
});
