// The auth half of the demo, all on loopback:
//   - a DEVELOPMENT OpenID Provider (oidc-provider set up like Pocket-ID, not for production);
//   - Horizon auth started as its container starts it (main.ts --config FILE);
//   - the Envoy ext_authz contract gateway of the tests, in front of a sample app that shows the
//     identity headers it received, on two hosts: pdf (the family group) and, with Redis (redis.ts),
//     files (the family group, app passwords, and the "LAN" 127.0.1.0/24 without a login).
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DEV_ACCOUNTS,
  HEADERS_TO_BACKEND,
  startDevProvider,
  startEchoApp,
  startEnvoyGateway,
} from '@horizon/test/harness';
import { childReady, type DemoChild, startChild } from './children.ts';
import type { PortFlag } from './cli.ts';
import { portTakenMessage } from './ports.ts';

export interface AuthDemoOptions {
  root: string;
  /** Horizon auth's config ({@link authConfig}). */
  config: object;
  /** Where the generated config goes (the demo removes the folder once everything is up). */
  configDir: string;
  ports: Record<PortFlag, number>;
  env: NodeJS.ProcessEnv;
  /** Every part started so far, so the demo can stop them whatever fails next. */
  started: { stop(): Promise<void> }[];
}

/** In-process servers name the port they could not bind the way the demo's pre-check does. */
async function bind<T>(flag: PortFlag, port: number, start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new Error(portTakenMessage(flag, port));
    throw err;
  }
}

/** The demo's hosts: pdf always, files (app passwords, a LAN without a login) with Redis. */
export const demoHosts = (redis: boolean) =>
  redis ? ['pdf.localhost', 'files.localhost'] : ['pdf.localhost'];

/** The policy of the second host: app passwords (Redis), and the demo's "LAN" without a login. */
const FILES = {
  name: 'files',
  hosts: ['files.localhost'],
  groups: ['family'],
  appPasswords: true,
  networks: ['127.0.1.0/24'],
};

/**
 * Horizon auth's config in the demo: loopback, the development provider, a policy for pdf; with
 * Redis (`redis`), sessions there and a second host whose policy takes app passwords.
 */
export function authConfig(ports: Record<PortFlag, number>, redis = false) {
  return {
    // The services' output is a pipe to the demo: readable lines when the demo's own is a terminal.
    log: { level: 'info', format: process.stdout.isTTY ? 'pretty' : 'json' },
    ops: { host: '127.0.0.1', port: ports['auth-ops-port'] },
    shutdown: { lameDuckSeconds: 0 },
    listen: { host: '127.0.0.1', port: ports['auth-port'] },
    oidc: {
      issuer: `http://127.0.0.1:${ports['op-port']}`,
      clientId: 'horizon-demo',
      clientSecret: 'demo-secret',
      allowHttp: true,
    },
    cookie: { name: 'horizon', secure: false, keys: [randomBytes(32).toString('base64url')] },
    trustedProxies: ['127.0.0.0/8'],
    ...(redis ? { session: { store: 'redis', redisUrl: `redis://127.0.0.1:${ports['redis-port']}/0` } } : {}),
    policies: [{ name: 'pdf', hosts: ['pdf.localhost'], groups: ['family'] }, ...(redis ? [FILES] : [])],
  };
}

/** Starts the provider, Horizon auth, the sample app and the gateway; returns the auth service. */
export async function startAuthDemo(o: AuthDemoOptions & { redis: boolean }): Promise<DemoChild> {
  const apps = demoHosts(o.redis).map((h) => `http://${h}:${o.ports['gateway-port']}`);
  const op = await bind('op-port', o.ports['op-port'], () =>
    startDevProvider({
      port: o.ports['op-port'],
      clients: [
        {
          client_id: 'horizon-demo',
          client_secret: 'demo-secret',
          redirect_uris: apps.map((app) => `${app}/oauth2/callback`),
          post_logout_redirect_uris: apps.map((app) => `${app}/`),
        },
      ],
      accounts: DEV_ACCOUNTS,
    }),
  );
  o.started.push({ stop: () => op.close() });
  const configFile = join(o.configDir, 'authproxy.yaml');
  writeFileSync(configFile, JSON.stringify(o.config, null, 2), { mode: 0o600 }); // holds the cookie key
  const main = join(o.root, 'packages', 'authproxy', 'src', 'main.ts');
  const auth = startChild('Horizon auth', main, configFile, o.env);
  o.started.push(auth);
  await childReady(auth, `http://127.0.0.1:${o.ports['auth-ops-port']}/readyz`);
  const echo = await startEchoApp();
  o.started.push({ stop: () => echo.close() });
  const gateway = await bind('gateway-port', o.ports['gateway-port'], () =>
    startEnvoyGateway({
      port: o.ports['gateway-port'],
      authUrl: `http://127.0.0.1:${o.ports['auth-port']}`,
      backendUrl: echo.url,
      headersToBackend: HEADERS_TO_BACKEND, // the answer's cookie header: the app's own cookies, without Horizon's
    }),
  );
  o.started.push({ stop: () => gateway.close() });
  return auth;
}

/** What the user reads once the auth half is up. */
export function authBanner(ports: Record<PortFlag, number>, issuer: string, redis: boolean): string {
  const app = `http://pdf.localhost:${ports['gateway-port']}`;
  const files = `http://files.localhost:${ports['gateway-port']}`;
  const second = redis
    ? `Sessions in Redis on 127.0.0.1:${ports['redis-port']}; a second host takes app passwords:\n` +
      `  ${files}/oauth2/app-passwords    # sign in as bob, make one (shown once), revoke it\n` +
      `  curl -u bob:PASSWORD ${files}/             # a script, as bob, until you revoke it\n` +
      `  curl --interface 127.0.1.5 ${files}/       # the "LAN" (127.0.1.0/24): in, with no user\n`
    : 'redis-server is not installed (./pnpmw programs): sessions are cookies, and the app-passwords\n' +
      'host (files.localhost) is left out.\n';
  return (
    `Horizon auth on 127.0.0.1:${ports['auth-port']} (ops on :${ports['auth-ops-port']}), ` +
    `a development OpenID Provider (NOT for production) on ${issuer},\n` +
    `an Envoy-like gateway with a sample app on 127.0.0.1:${ports['gateway-port']}. In a browser:\n` +
    `  ${app}/                 # sign in as alice or bob (family); eve gets 403\n` +
    `  ${app}/oauth2/sign_out  # sign out (of the provider too), then sign in as someone else\n` +
    second
  );
}
