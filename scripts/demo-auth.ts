// The auth half of the demo, all on loopback:
//   - a DEVELOPMENT OpenID Provider (oidc-provider set up like Pocket-ID, not for production) on :1411;
//   - Horizon auth started as its container starts it (main.ts --config FILE) on :4180, ops on :9180;
//   - the Envoy ext_authz contract gateway of the tests on :8080, in front of a sample app that
//     shows the identity headers it received.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DEV_ACCOUNTS,
  IDENTITY_HEADERS,
  startDevProvider,
  startEchoApp,
  startEnvoyGateway,
  tcpOpen,
  waitFor,
} from '@horizon/test/harness';

export interface AuthDemoOptions {
  root: string;
  authPort: number;
  opPort: number;
  gatewayPort: number;
}

export async function startAuthDemo(o: AuthDemoOptions): Promise<{ stop(): Promise<void> }> {
  const app = `http://pdf.localhost:${o.gatewayPort}`;
  const op = await startDevProvider({
    port: o.opPort,
    clients: [
      {
        client_id: 'horizon-demo',
        client_secret: 'demo-secret',
        redirect_uris: [`${app}/oauth2/callback`],
        post_logout_redirect_uris: [`${app}/`],
      },
    ],
    accounts: DEV_ACCOUNTS,
  });
  const config = {
    log: { level: 'info', format: 'auto' },
    ops: { host: '127.0.0.1', port: o.authPort + 5000 },
    shutdown: { lameDuckSeconds: 0 },
    listen: { host: '127.0.0.1', port: o.authPort },
    oidc: { issuer: op.issuer, clientId: 'horizon-demo', clientSecret: 'demo-secret', allowHttp: true },
    cookie: { name: 'horizon', secure: false, keys: [randomBytes(32).toString('base64url')] },
    trustedProxies: ['127.0.0.0/8'],
    policies: [{ name: 'pdf', hosts: ['pdf.localhost'], groups: ['family'] }],
  };
  const configFile = join(mkdtempSync(join(tmpdir(), 'horizon-demo-')), 'authproxy.yaml');
  writeFileSync(configFile, JSON.stringify(config, null, 2));
  const auth = spawn(
    process.execPath,
    [join(o.root, 'packages', 'authproxy', 'src', 'main.ts'), '--config', configFile],
    {
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  await waitFor('the auth service', async () => (await tcpOpen('127.0.0.1', o.authPort)) || undefined, {
    timeoutMs: 10_000,
    intervalMs: 50,
  });
  const echo = await startEchoApp();
  const gateway = await startEnvoyGateway({
    port: o.gatewayPort,
    authUrl: `http://127.0.0.1:${o.authPort}`,
    backendUrl: echo.url,
    headersToBackend: IDENTITY_HEADERS,
  });
  process.stdout.write(
    `Horizon auth on 127.0.0.1:${o.authPort} (ops on :${o.authPort + 5000}), development OpenID Provider (NOT for production) on ${op.issuer},\n` +
      `an Envoy-like gateway with a sample app on 127.0.0.1:${o.gatewayPort}. In a browser:\n` +
      `  ${app}/                 # sign in as alice or bob (family); eve gets 403\n` +
      `  ${app}/oauth2/sign_out  # sign out\n\n`,
  );
  return {
    stop: async () => {
      auth.kill('SIGTERM');
      await gateway.close();
      await echo.close();
      await op.close();
    },
  };
}
