import { randomBytes } from 'node:crypto';
import { loadConfig } from '@horizon/shared';
import { type AuthConfig, AuthConfigSchema, type LoadedAuthConfig } from '../src/config.ts';
import { parseAuthConfig } from '../src/config-check.ts';

// The test config, apart from the servers in helpers.ts: unit tests that need a config import
// this alone, not the harness and the whole service.

export const KEY = randomBytes(32).toString('base64url');

/** A config for tests: loopback, plain HTTP cookies, the given provider and policies. */
export function authConfig(overrides: Record<string, unknown> = {}): AuthConfig {
  return parseAuthConfig(loadedAuthConfig(overrides));
}

/** {@link authConfig} as the loader gives it, before parsing: what a config file of a process holds. */
export function loadedAuthConfig(overrides: Record<string, unknown> = {}): LoadedAuthConfig {
  const { config } = loadConfig(AuthConfigSchema, {
    overrides: {
      'listen.host': '127.0.0.1',
      'listen.port': 0,
      'oidc.issuer': 'http://127.0.0.1:9',
      'oidc.clientId': 'pdf',
      'oidc.clientSecret': 'pdf-secret',
      'oidc.allowHttp': true,
      'oidc.timeoutMs': 1000,
      'cookie.keys': [KEY],
      'cookie.secure': false,
      'cookie.name': 'horizon',
      trustedProxies: ['127.0.0.0/8'],
      policies: [
        { name: 'pdf', hosts: ['pdf.localhost'], groups: ['family'], publicPaths: ['/health', '/static/*'] },
      ],
      ...overrides,
    },
  });
  return config;
}
