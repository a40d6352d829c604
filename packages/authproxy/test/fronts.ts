import {
  Browser,
  DEV_ACCOUNTS,
  type DevProvider,
  formOf,
  freePort,
  HEADERS_TO_BACKEND,
  type RawResponse,
  startDevProvider,
  startEchoApp,
  startEnvoyGateway,
  stopAllPrograms,
} from '@horizon/test/harness';
import type { AppDeps } from '../src/app.ts';
import type { AuthConfig, LoadedAuthConfig } from '../src/config.ts';
import { parseAuthConfig } from '../src/config-check.ts';
import { loadedAuthConfig } from './auth-config.ts';
import { checksFront, routesOf, SITES, startApps, viaPort } from './front-parts.ts';
import { startApp } from './helpers.ts';
import { startCaddyRecipe, startNginxRecipe } from './recipes.ts';

/**
 * Every front the README documents, over one auth service and one provider, each with apps of
 * its own so what each app received can be asserted front by front:
 * - `checks`: checks sent straight to the service as Envoy sends them (method, Host, path and
 *   query as written, the headersToExtAuth headers), what the app would receive applied from the
 *   answer as Envoy applies it; no path normalization at all, so the service holds on its own;
 * - `gateway`: the Envoy ext_authz contract gateway, with Envoy Gateway's defaults;
 * - `nginx` and `caddy`: the real programs running the README's recipes.
 * Hosts: pdf (family; /admin for admins; /static/* and /health public), strict (admins),
 * lenient (any signed-in user; /static/* public), nopolicy (no policy: denied to everyone),
 * lan (admins; clients of 127.0.1.0/25 pass without a login, 127.0.1.128/25 must sign in),
 * files (family; app passwords with `appPasswords` on: see withAppPasswords), arr (family;
 * /static/* public, 127.0.1.0/25 without a login; its own X-Api-Key with withAppCredentials), tokens
 * (family; the user's access token in Authorization with withIdpTokens).
 */
export type FrontName = 'checks' | 'gateway' | 'nginx' | 'caddy';
export const FRONTS: FrontName[] = ['checks', 'gateway', 'nginx', 'caddy'];
export type AppName = 'main' | 'admin' | 'lenient' | 'nopolicy' | 'lan' | 'files' | 'arr' | 'tokens';

export const POLICIES = [
  {
    name: 'pdf',
    hosts: ['pdf.localhost'],
    groups: ['family'],
    publicPaths: ['/health', '/static/*'],
    publicMethods: ['OPTIONS'],
  },
  { name: 'pdf-admin', hosts: ['pdf.localhost'], pathPrefix: '/admin', groups: ['admins'] },
  { name: 'strict', hosts: ['strict.localhost'], groups: ['admins'] },
  { name: 'lenient', hosts: ['lenient.localhost'], publicPaths: ['/static/*'] },
  // Host-less policies a client once picked by writing /_policy/<name>/ into its own path.
  { name: 'anyuser', hosts: [] },
  { name: 'hooks', hosts: [], publicPaths: ['/hooks/*'] },
  {
    name: 'lan',
    hosts: ['lan.localhost'],
    groups: ['admins'],
    networks: ['127.0.1.0/24'],
    loginNetworks: ['127.0.1.128/25'],
  },
  { name: 'files', hosts: ['files.localhost'], groups: ['family'] },
  {
    name: 'arr',
    hosts: ['arr.localhost'],
    groups: ['family'],
    publicPaths: ['/static/*'],
    networks: ['127.0.1.0/25'],
  },
  { name: 'tokens', hosts: ['tokens.localhost'], groups: ['family'] },
];

/** The app's own header an *arr app reads (README: add it to the recipes' copied headers). */
export const CREDENTIAL_HEADERS = ['X-Api-Key'];

/** The overrides that put sessions in Redis and let the files policy take app passwords. */
export const withAppPasswords = (redisPort: number): Record<string, unknown> => ({
  'session.store': 'redis',
  'session.redisUrl': `redis://127.0.0.1:${redisPort}/0`,
  // A loaded test machine stalls the event loop for longer than the 250 ms default.
  'session.storeTimeoutMs': 900,
  policies: POLICIES.map((p) =>
    p.name === 'files' || p.name === 'lenient' ? { ...p, appPasswords: true } : p,
  ),
});

/**
 * The overrides that give the arr policy its app's own credentials (the folder a Secret is
 * mounted at) and the tokens policy the user's access token: with withAppPasswords (Redis).
 */
export const withAppHeaders = (redisPort: number, credentials: string): Record<string, unknown> => {
  const base = withAppPasswords(redisPort);
  return {
    ...base,
    policies: (base.policies as typeof POLICIES).map((p) =>
      p.name === 'arr'
        ? { ...p, appCredentials: credentials }
        : p.name === 'tokens'
          ? { ...p, idpToken: 'access' }
          : p,
    ),
  };
};

/** What one app received, as it received it. */
export interface Received {
  app: AppName;
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
}

export interface Front {
  name: FrontName;
  port: number;
  /** Sends one request through the front, bytes as written, from `from` (a loopback address). */
  send(r: {
    method?: string;
    target: string;
    headers: [string, string][];
    body?: string;
    from?: string;
  }): Promise<RawResponse>;
  received(): Received[];
}

/**
 * The auth service the fronts ask: in this process by default, or e.g. the built one as a process
 * (which reads `loaded`, the config as a file holds it).
 */
export type StartService = (
  config: AuthConfig,
  deps: Partial<AppDeps>,
  loaded: LoadedAuthConfig,
) => Promise<{ url: string; close(): Promise<void> }>;

const inProcess: StartService = async (config, deps) => {
  const auth = await startApp(config, deps);
  return { url: auth.url, close: () => auth.app.close() };
};

export interface Fronts {
  op: DevProvider;
  /** The auth service's URL. */
  authUrl: string;
  fronts: Front[];
  /** The session cookie value of `user`, signed in on `host` (through a contract gateway of its own). */
  session(user: string, host: string): Promise<string>;
  /** An ID token of `user`: what a sign-out hands the provider as id_token_hint. */
  idToken(user: string): Promise<string>;
  /** A browser signed in as `user` on `host` through the sign-in gateway, and that gateway's origin. */
  signIn(user: string, host: string): Promise<{ browser: Browser; origin: string }>;
  /** `http://host:port` of a front (`checks`: the service itself). */
  origin(front: FrontName, host: string): string;
  /** `http://host:port` of the sign-in gateway. */
  signInOrigin(host: string): string;
  close(): Promise<void>;
}

/** Starts the provider, the service (with `overrides`) and every front. */
export async function startFronts(
  overrides: Record<string, unknown> = {},
  deps: Partial<AppDeps> = {},
  startService: StartService = inProcess,
): Promise<Fronts> {
  const ports = {
    gateway: await freePort(),
    nginx: await freePort(),
    caddy: await freePort(),
    op: await freePort(),
    login: await freePort(),
  };
  const hosts = [
    'pdf.localhost',
    'strict.localhost',
    'lenient.localhost',
    'nopolicy.localhost',
    'lan.localhost',
    'files.localhost',
    'arr.localhost',
    'tokens.localhost',
  ];
  const origins = [ports.gateway, ports.nginx, ports.caddy, ports.login].flatMap((p) =>
    hosts.map((h) => `http://${h}:${p}`),
  );
  const loaded = loadedAuthConfig({
    'oidc.issuer': `http://127.0.0.1:${ports.op}`,
    policies: structuredClone(POLICIES),
    ...overrides,
  });
  const auth = await startService(parseAuthConfig(loaded), deps, loaded);
  const authPort = Number(new URL(auth.url).port);
  const apps = {
    checks: await startApps(),
    gateway: await startApps(),
    nginx: await startApps(),
    caddy: await startApps(),
  };
  const gateway = await startEnvoyGateway({
    port: ports.gateway,
    authUrl: auth.url,
    backendUrl: `http://127.0.0.1:${apps.gateway.main.port}`,
    routes: routesOf(SITES(apps.gateway)),
    headersToBackend: [...HEADERS_TO_BACKEND, ...CREDENTIAL_HEADERS.map((h) => h.toLowerCase())],
    // Envoy Gateway's ext-auth timeout is 10 s; shorter here, so a check that waits on a dead
    // store shows as Envoy's bare 403 instead of passing by slowly.
    timeoutMs: 3000,
  });
  // Sign-ins go through a gateway of their own: the fronts' apps see only the cases' requests.
  const landing = await startEchoApp();
  const login = await startEnvoyGateway({ port: ports.login, authUrl: auth.url, backendUrl: landing.url });
  await startNginxRecipe(authPort, SITES(apps.nginx), ports.nginx);
  await startCaddyRecipe(authPort, SITES(apps.caddy), ports.caddy);
  const op = await startDevProvider({
    port: ports.op,
    clients: [
      {
        client_id: 'pdf',
        client_secret: 'pdf-secret',
        redirect_uris: origins.map((o) => `${o}/oauth2/callback`),
        post_logout_redirect_uris: origins.map((o) => `${o}/`),
      },
    ],
    accounts: DEV_ACCOUNTS,
  });
  const sessions = new Map<string, string>();
  return {
    op,
    authUrl: auth.url,
    fronts: [
      checksFront(authPort, apps.checks),
      viaPort('gateway', ports.gateway, apps.gateway),
      viaPort('nginx', ports.nginx, apps.nginx),
      viaPort('caddy', ports.caddy, apps.caddy),
    ],
    async session(user, host) {
      const key = `${user}@${host}`;
      const known = sessions.get(key);
      if (known) return known;
      const browser = new Browser();
      await browser.signInAs(await browser.navigate(`http://${host}:${ports.login}/`), user);
      const value = browser.cookie(host, 'horizon');
      if (!value) throw new Error(`no session for ${key}`);
      sessions.set(key, value);
      return value;
    },
    async signIn(user, host) {
      const browser = new Browser();
      const origin = `http://${host}:${ports.login}`;
      await browser.signInAs(await browser.navigate(`${origin}/`), user);
      return { browser, origin };
    },
    origin: (front, host) => `http://${host}:${front === 'checks' ? authPort : ports[front]}`,
    signInOrigin: (host) => `http://${host}:${ports.login}`,
    async idToken(user) {
      const browser = new Browser();
      await browser.signInAs(await browser.navigate(`http://pdf.localhost:${ports.login}/`), user);
      const out = await browser.send('GET', `http://pdf.localhost:${ports.login}/oauth2/sign_out`, {
        site: 'same-origin',
      });
      const token = formOf(out)?.fields.id_token_hint;
      if (!token) throw new Error(`no ID token for ${user}`);
      return token;
    },
    async close() {
      await stopAllPrograms();
      await gateway.close();
      await login.close();
      await landing.close();
      for (const set of Object.values(apps)) for (const app of Object.values(set)) await app.close();
      await auth.close();
      await op.close();
    },
  };
}
