import { generateKeyPairSync, type KeyObject, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import Provider, { type Configuration } from 'oidc-provider';
import { closeServer, listenOn } from '../http-server.ts';
import { freePort } from '../ports.ts';
import { endSessionByPost } from './end-session-post.ts';
import { handleInteraction } from './interaction.ts';
import { jwtUserinfo } from './jwt-userinfo.ts';
import { DEV_PAGES } from './pages.ts';

/**
 * A DEVELOPMENT OpenID Provider, NOT FOR PRODUCTION: oidc-provider (OpenID-certified) set up the
 * way Pocket-ID v2 behaves, so the auth service is tested against a real provider. Pocket-ID's
 * endpoint paths; the `groups` scope bringing a `groups` claim of group names; profile, email
 * and groups claims in the ID token; PKCE S256 required; `iss` in the authorization response
 * (RFC 9207); refresh tokens issued without offline_access, rotated on every use, and a reused
 * one revoking the whole grant. Login is a page listing the accounts (no passwords).
 */

export interface DevAccount {
  sub: string;
  preferred_username: string;
  name?: string;
  email?: string;
  email_verified?: boolean;
  groups: string[];
  /** A disabled account: refreshes and new logins fail, as when an admin disables a user. */
  disabled?: boolean;
}

export interface DevClient {
  client_id: string;
  client_secret: string;
  redirect_uris: string[];
  post_logout_redirect_uris?: string[];
}

export interface DevProviderOptions {
  host?: string;
  port?: number;
  clients: DevClient[];
  accounts: DevAccount[];
  /** Lifetime of access and ID tokens, seconds. Default 3600. */
  tokenTtl?: number;
}

export interface DevProvider {
  issuer: string;
  port: number;
  accounts: Map<string, DevAccount>;
  /** Token endpoint results by grant type and outcome, e.g. `refresh_token:ok`, `refresh_token:invalid_grant`. */
  grants: Map<string, number>;
  signing: DevSigningKey;
  /** Userinfo calls made with a JWT access token (Pocket-ID style), counted. */
  jwtUserinfoCalls: { count: number };
  /** Stops answering (connections refused) until {@link start}. */
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

export const DEV_ACCOUNTS: DevAccount[] = [
  {
    sub: 'u-alice',
    preferred_username: 'alice',
    name: 'Alice Admin',
    email: 'alice@example.com',
    email_verified: true,
    groups: ['admins', 'family'],
  },
  {
    sub: 'u-bob',
    preferred_username: 'bob',
    name: 'Bob',
    email: 'bob@example.com',
    email_verified: true,
    groups: ['family'],
  },
  { sub: 'u-eve', preferred_username: 'eve', name: 'Eve Guest', groups: [] },
];

// The provider's own in-memory storage, named explicitly: left implicit, oidc-provider prints a
// production warning on every start (the pages and this file already say "not for production").
const { createMemoryAdapter } = (await import('oidc-provider/lib/adapters/memory_adapter.js' as string)) as {
  createMemoryAdapter(clockToleranceSeconds: number): NonNullable<Configuration['adapter']>;
};

const POCKET_ID_ROUTES = {
  authorization: '/authorize',
  token: '/api/oidc/token',
  userinfo: '/api/oidc/userinfo',
  end_session: '/api/oidc/end-session',
  jwks: '/.well-known/jwks.json',
  revocation: '/api/oidc/revoke',
  introspection: '/api/oidc/introspect',
};

/** The provider's signing key, so tests can mint tokens it would sign but never issue. */
export interface DevSigningKey {
  key: KeyObject;
  kid: string;
}

function configuration(
  options: DevProviderOptions,
  accounts: Map<string, DevAccount>,
  signing: DevSigningKey,
): Configuration {
  const jwk = {
    ...signing.key.export({ format: 'jwk' }),
    kid: signing.kid,
    alg: 'RS256',
    use: 'sig',
  };
  const ttl = options.tokenTtl ?? 3600;
  return {
    clients: options.clients.map((c) => ({
      ...c,
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    })),
    jwks: { keys: [jwk as never] },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    routes: POCKET_ID_ROUTES,
    scopes: ['openid', 'profile', 'email', 'groups'],
    claims: {
      openid: ['sub'],
      profile: ['name', 'preferred_username'],
      email: ['email', 'email_verified'],
      groups: ['groups'],
    },
    conformIdTokenClaims: false, // Pocket-ID puts the scopes' claims in the ID token
    pkce: { required: () => true },
    adapter: createMemoryAdapter(0),
    renderError: DEV_PAGES.renderError,
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: DEV_PAGES.rpInitiatedLogout,
      revocation: { enabled: true },
      userinfo: { enabled: true },
    },
    rotateRefreshToken: true,
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    ttl: {
      AccessToken: ttl,
      IdToken: ttl,
      RefreshToken: 30 * 86400,
      AuthorizationCode: 60,
      Interaction: 600,
      Session: 86400,
      Grant: 30 * 86400,
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    findAccount: async (_ctx, sub) => {
      const account = accounts.get(sub);
      if (!account || account.disabled) return undefined;
      return { accountId: sub, claims: async () => ({ ...account, disabled: undefined }) };
    },
  };
}

export async function startDevProvider(options: DevProviderOptions): Promise<DevProvider> {
  const host = options.host ?? '127.0.0.1';
  const accounts = new Map(options.accounts.map((a) => [a.sub, { ...a }]));
  const grants = new Map<string, number>();
  let port = options.port ?? 0;
  let server: Server | undefined;
  let issuer = `http://${host}:${port}`;
  const jwtUserinfoCalls = { count: 0 };
  const signing: DevSigningKey = {
    key: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey,
    kid: randomBytes(6).toString('hex'),
  };

  const listen = async (provider: Provider | undefined): Promise<Provider> => {
    const p = provider ?? new Provider(issuer, configuration(options, accounts, signing));
    const count = (key: string) => grants.set(key, (grants.get(key) ?? 0) + 1);
    if (!provider) {
      p.on('grant.success', (ctx) => count(`${ctx.oidc.params?.grant_type}:ok`));
      p.on('grant.error', (ctx, err) =>
        count(`${ctx.oidc.params?.grant_type}:${(err as { error?: string }).error}`),
      );
    }
    const callback = p.callback();
    const s = createServer((req: IncomingMessage, res: ServerResponse) => {
      if (jwtUserinfo(req, res, signing, accounts, jwtUserinfoCalls)) return;
      if (endSessionByPost(req, res, POCKET_ID_ROUTES.end_session, callback)) return;
      if (req.url?.startsWith('/interaction/')) {
        handleInteraction(p, accounts, req, res).catch((err: unknown) => {
          res.statusCode = 500;
          res.end(String(err));
        });
      } else callback(req, res);
    });
    port = await listenOn(s, port, host);
    server = s;
    return p;
  };

  // The issuer needs the port before the provider exists.
  if (port === 0) port = await freePort(host);
  issuer = `http://${host}:${port}`;
  const provider = await listen(undefined);

  const stop = async () => {
    const s = server;
    server = undefined;
    if (!s) return;
    await closeServer(s);
  };
  return {
    issuer,
    get port() {
      return port;
    },
    accounts,
    grants,
    signing,
    jwtUserinfoCalls,
    stop,
    start: async () => {
      if (!server) await listen(provider);
    },
    close: stop,
  };
}
