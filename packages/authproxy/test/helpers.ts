import { createLogger, createMetricsRegistry } from '@horizon/shared';
import {
  DEV_ACCOUNTS,
  type DevProvider,
  type EchoApp,
  type EnvoyGateway,
  freePort,
  IDENTITY_HEADERS,
  type RunningProgram,
  startDevProvider,
  startEchoApp,
  startEnvoyGateway,
  stopAllPrograms,
} from '@horizon/test/harness';
import { type AppDeps, type AuthApp, buildApp } from '../src/app.ts';
import type { AuthConfig } from '../src/config.ts';
import { authConfig } from './auth-config.ts';
import type { Site } from './recipes.ts';

export { authConfig, KEY } from './auth-config.ts';

export async function startApp(
  config: AuthConfig,
  deps: Partial<AppDeps> = {},
): Promise<AuthApp & { url: string }> {
  const logger = createLogger({ level: 'silent', format: 'json' }, { service: 'authproxy', isTty: false });
  const built = await buildApp(config, { logger, registry: createMetricsRegistry('authproxy'), ...deps });
  const url = await built.app.listen({ host: '127.0.0.1', port: 0 });
  return { ...built, url };
}

/** The design in small: the dev provider, the auth service, the Envoy-like gateway, the echo app. */
export interface Stack {
  op: DevProvider;
  auth: AuthApp & { url: string };
  gateway: EnvoyGateway;
  echo: EchoApp;
  /** `http://pdf.localhost:<gateway port>` */
  app: string;
  config: AuthConfig;
  close(): Promise<void>;
}

export async function startStack(
  overrides: Record<string, unknown> = {},
  options: { headersToExtAuth?: string[]; extraHosts?: string[] } = {},
  deps: Partial<AppDeps> = {},
): Promise<Stack> {
  const gwPort = await freePort();
  const app = `http://pdf.localhost:${gwPort}`;
  const op = await startDevProvider({
    clients: [
      {
        client_id: 'pdf',
        client_secret: 'pdf-secret',
        redirect_uris: [app, ...(options.extraHosts ?? []).map((h) => `http://${h}:${gwPort}`)].map(
          (origin) => `${origin}/oauth2/callback`,
        ),
        post_logout_redirect_uris: [`${app}/`],
      },
    ],
    accounts: DEV_ACCOUNTS,
  });
  const config = authConfig({ 'oidc.issuer': op.issuer, ...overrides });
  const auth = await startApp(config, deps);
  const echo = await startEchoApp();
  const gateway = await startEnvoyGateway({
    port: gwPort,
    authUrl: auth.url,
    backendUrl: echo.url,
    headersToBackend: IDENTITY_HEADERS,
    ...(options.headersToExtAuth ? { headersToExtAuth: options.headersToExtAuth } : {}),
  });
  return {
    op,
    auth,
    gateway,
    echo,
    app,
    config,
    close: async () => {
      await gateway.close();
      await echo.close();
      await auth.app.close();
      await op.close();
    },
  };
}

/** The auth service behind a real forward-auth proxy (Caddy, nginx), with the dev provider and the echo app. */
export interface ProxyStack {
  op: DevProvider;
  auth: AuthApp & { url: string };
  echo: EchoApp;
  proxy: RunningProgram;
  /** `http://pdf.localhost:<proxy port>` */
  app: string;
  close(): Promise<void>;
}

/**
 * The auth service behind one of the README's proxy recipes (startNginxRecipe, startCaddyRecipe),
 * serving pdf.localhost from the echo app. The provider starts last, on a port chosen first,
 * because its redirect URI needs the proxy's port.
 */
export async function startBehindProxy(
  recipe: (authPort: number, sites: Site[], port: number) => Promise<RunningProgram>,
): Promise<ProxyStack> {
  const opPort = await freePort();
  const auth = await startApp(authConfig({ 'oidc.issuer': `http://127.0.0.1:${opPort}` }));
  const echo = await startEchoApp();
  const site = {
    host: 'pdf.localhost',
    routes: [{ prefix: '/', upstream: echo.url.replace('http://', '') }],
  };
  const proxy = await recipe(Number(new URL(auth.url).port), [site], await freePort());
  const app = `http://pdf.localhost:${proxy.port}`;
  const op = await startDevProvider({
    port: opPort,
    clients: [{ client_id: 'pdf', client_secret: 'pdf-secret', redirect_uris: [`${app}/oauth2/callback`] }],
    accounts: DEV_ACCOUNTS,
  });
  return {
    op,
    auth,
    echo,
    proxy,
    app,
    close: async () => {
      await stopAllPrograms();
      await echo.close();
      await auth.app.close();
      await op.close();
    },
  };
}
