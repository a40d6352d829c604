// The auth half of the demo, all on loopback:
//   - a DEVELOPMENT OpenID Provider (oidc-provider set up like Pocket-ID, not for production);
//   - Horizon auth started as its container starts it (main.ts --config FILE);
//   - the Envoy ext_authz contract gateway of the tests, in front of a sample app that shows the
//     identity headers it received.
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

/** Horizon auth's config in the demo: loopback, the development provider, one policy for pdf. */
export function authConfig(ports: Record<PortFlag, number>) {
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
    policies: [{ name: 'pdf', hosts: ['pdf.localhost'], groups: ['family'] }],
  };
}

/** Starts the provider, Horizon auth, the sample app and the gateway; returns the auth service. */
export async function startAuthDemo(o: AuthDemoOptions): Promise<DemoChild> {
  const app = `http://pdf.localhost:${o.ports['gateway-port']}`;
  const op = await bind('op-port', o.ports['op-port'], () =>
    startDevProvider({
      port: o.ports['op-port'],
      clients: [
        {
          client_id: 'horizon-demo',
          client_secret: 'demo-secret',
          redirect_uris: [`${app}/oauth2/callback`],
          post_logout_redirect_uris: [`${app}/`],
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
export function authBanner(ports: Record<PortFlag, number>, issuer: string): string {
  const app = `http://pdf.localhost:${ports['gateway-port']}`;
  return (
    `Horizon auth on 127.0.0.1:${ports['auth-port']} (ops on :${ports['auth-ops-port']}), ` +
    `a development OpenID Provider (NOT for production) on ${issuer},\n` +
    `an Envoy-like gateway with a sample app on 127.0.0.1:${ports['gateway-port']}. In a browser:\n` +
    `  ${app}/                 # sign in as alice or bob (family); eve gets 403\n` +
    `  ${app}/oauth2/sign_out  # sign out (of the provider too), then sign in as someone else\n`
  );
}
