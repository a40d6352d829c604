import { sharedSections } from '@horizon/shared';
import Type, { type Static } from 'typebox';

const Strings = (def: string[], description: string) =>
  Type.Array(Type.String(), { default: def, description });
const Seconds = (def: number, min: number, max: number, description: string) =>
  Type.Integer({ minimum: min, maximum: max, default: def, description });
const Section = <T extends Parameters<typeof Type.Object>[0]>(properties: T) =>
  Type.Object(properties, { default: {}, additionalProperties: false });

/** One authorization policy: who may reach which hosts and paths. */
export const PolicySchema = Type.Object(
  {
    name: Type.String({
      description: 'Name in metrics and logs; also what an extAuth `path` prefix selects.',
    }),
    hosts: Strings([], 'Hosts it covers (`pdf.example.com`, `*.apps.example.com`).'),
    pathPrefix: Type.String({ default: '/', description: 'Path prefix it covers; the longest match wins.' }),
    groups: Strings(
      [],
      'Groups (the `groups` claim) allowed in. Empty with `users` and `emails` empty: any signed-in user.',
    ),
    users: Strings([], 'Subjects (`sub`) or preferred usernames allowed in.'),
    emails: Strings([], 'Email addresses allowed in (only when `email_verified` is not false).'),
    publicPaths: Strings(
      [],
      'Paths served without a session, matched after normalisation; a trailing `*` matches a prefix.',
    ),
    publicMethods: Strings([], 'Methods served without a session, e.g. `OPTIONS` for CORS preflight.'),
    appPasswords: Type.Boolean({
      default: false,
      description:
        'Accept app passwords made at `appPasswords.path` for this policy or one of its hosts, as HTTP Basic (`user:password`) or `Authorization: Bearer`. Needs `session.store: redis`.',
    }),
    networks: Strings(
      [],
      'Client networks (CIDRs) that pass without a login, the client as the front reports it (`clientAddress.trustedHops`). The app gets no identity and `X-Auth-Request-Access: network`.',
    ),
    loginNetworks: Strings(
      [],
      'Networks inside `networks` whose clients must still sign in (a guest Wi-Fi inside the LAN).',
    ),
    appCredentials: Type.String({
      default: '',
      description:
        "Folder of a mounted Kubernetes Secret: each key is a header (`X-Api-Key`, `Authorization`) the app receives with its value on every allowed request but public ones. A client's own is never passed.",
    }),
    idpToken: Type.Union([Type.Literal('none'), Type.Literal('access'), Type.Literal('id')], {
      default: 'none',
      description:
        "The user's token from the provider, to the app: `access` (refreshed before it expires, once across replicas) or `id`. Needs `session.store: redis`.",
    }),
    idpTokenHeader: Type.String({
      default: 'Authorization',
      description:
        'Where `idpToken` goes: `Authorization` (as `Bearer <token>`) or a header of its own (the token alone).',
    }),
  },
  { additionalProperties: false },
);
export type PolicyConfig = Static<typeof PolicySchema>;

export const AuthConfigSchema = Type.Object(
  {
    ...sharedSections(9180),
    listen: Section({
      host: Type.String({ default: '0.0.0.0', description: 'Address the check server binds.' }),
      port: Type.Integer({
        minimum: 0,
        maximum: 65535,
        default: 4180,
        description: 'Port of the check server (every path is a check).',
      }),
      maxConnections: Type.Integer({
        minimum: 16,
        maximum: 1000000,
        default: 4096,
        description: 'Open connections to the check server at once; past it new ones are closed at once.',
      }),
    }),
    oidc: Section({
      issuer: Type.String({
        default: '',
        description: "Issuer URL (Pocket-ID's `APP_URL`, e.g. `https://id.example.com`). Required.",
      }),
      clientId: Type.String({
        default: '',
        description: 'Client ID of the OIDC client created in Pocket-ID. Required.',
      }),
      clientSecret: Type.String({
        default: '',
        description:
          'Its client secret (use `HORIZON_OIDC_CLIENT_SECRET_FILE`). Empty: a public client (PKCE only).',
      }),
      scopes: Strings(
        ['openid', 'profile', 'email', 'groups'],
        'Scopes asked for; `groups` brings the groups claim.',
      ),
      callbackPath: Type.String({
        default: '/oauth2/callback',
        description: 'Callback path on every protected host (register `https://<host>/oauth2/callback`).',
      }),
      signOutPath: Type.String({
        default: '/oauth2/sign_out',
        description: 'Sign-out path on every protected host.',
      }),
      postLogoutRedirect: Type.String({
        default: '',
        description:
          'Where the provider sends the browser after sign-out (must be registered). Empty: `<scheme>://<host>/` of the app.',
      }),
      timeoutMs: Type.Integer({
        minimum: 100,
        maximum: 9000,
        default: 5000,
        description: "Timeout of each call to the provider; under Envoy Gateway's 10 s ext-auth timeout.",
      }),
      clockSkewSeconds: Seconds(30, 0, 300, 'Tolerated clock difference when checking `iat`/`exp`.'),
      allowHttp: Type.Boolean({
        default: false,
        description: 'Allow an `http://` issuer (the development provider only).',
      }),
    }),
    cookie: Section({
      name: Type.String({ default: '__Host-horizon', description: 'Session cookie name.' }),
      secure: Type.Boolean({
        default: true,
        description: 'Mark cookies Secure. Off only for plain-HTTP development.',
      }),
      domain: Type.String({
        default: '',
        description:
          'Share the session across subdomains of this domain. Empty: one session per host (`__Host-`).',
      }),
      keys: Strings(
        [],
        'Keys sealing cookies: 32 bytes each, base64url (`openssl rand -base64 32`); the first seals, all open (rotation). Use `HORIZON_COOKIE_KEYS_FILE`. Required.',
      ),
      idleSeconds: Seconds(43200, 60, 31536000, 'A session unused this long ends.'),
      absoluteSeconds: Seconds(604800, 60, 31536000, 'A session ends this long after login, used or not.'),
      renewSeconds: Seconds(
        3600,
        30,
        31536000,
        'Cookie sessions: a page load this long after the cookie was written re-writes it (a redirect to the same URL), keeping the idle clock.',
      ),
    }),
    session: Section({
      store: Type.Union([Type.Literal('cookie'), Type.Literal('redis')], {
        default: 'cookie',
        description:
          '`cookie`: sealed in the cookie, no infrastructure. `redis`: on the server, with refresh tokens, re-validation and logout everywhere.',
      }),
      redisUrl: Type.String({
        default: '',
        description: 'Redis URL (`redis://host:6379/0`) for the `redis` store.',
      }),
      revalidateSeconds: Seconds(
        300,
        30,
        86400,
        'Redis store: refresh tokens at the provider this often, so a disabled user or removed group loses access.',
      ),
      cacheSeconds: Seconds(
        5,
        0,
        300,
        'Redis store: how long a replica trusts a session it read (logout elsewhere shows after this).',
      ),
      storeTimeoutMs: Type.Integer({
        minimum: 20,
        maximum: 900,
        default: 250,
        description:
          'Redis store: longest wait for one Redis command. After 3 failures in a row checks fail at once (a page saying so) for 2 s, then Redis is tried again.',
      }),
      cacheSize: Type.Integer({
        minimum: 100,
        maximum: 1000000,
        default: 10000,
        description: 'Verified sessions kept in memory.',
      }),
    }),
    headers: Section({
      user: Type.String({
        default: 'X-Auth-Request-User',
        description: 'Header with the user (preferred username, else `sub`).',
      }),
      subject: Type.String({ default: 'X-Auth-Request-Subject', description: 'Header with `sub`.' }),
      email: Type.String({ default: 'X-Auth-Request-Email', description: 'Header with the email.' }),
      groups: Type.String({
        default: 'X-Auth-Request-Groups',
        description: 'Header with the groups, comma-separated.',
      }),
      name: Type.String({ default: 'X-Auth-Request-Name', description: 'Header with the display name.' }),
      jwt: Type.String({
        default: '',
        description:
          'Header with a short-lived JWT of the identity signed by this service (JWKS on the ops port at `/jwks.json`). Empty: off.',
      }),
      jwtKey: Type.String({
        default: '',
        description:
          'PKCS#8 PEM EC P-256 key signing that JWT (`HORIZON_HEADERS_JWT_KEY_FILE`). Required with `jwt`.',
      }),
      jwtTtlSeconds: Seconds(60, 10, 3600, 'Lifetime of that JWT.'),
      access: Type.String({
        default: 'X-Auth-Request-Access',
        description:
          'Header saying how a request passed: `session`, `app-password`, `bearer`, `network` (no identity) or `public`.',
      }),
      remove: Strings(
        [],
        "More identity headers your apps trust (e.g. Grafana's `X-WEBAUTH-USER` under another name): never taken from a client, like the built-in list.",
      ),
    }),
    policies: Type.Array(PolicySchema, {
      default: [],
      description: 'Authorization policies by host and path prefix.',
    }),
    defaultPolicy: Type.Union([Type.Literal('deny'), Type.Literal('authenticated')], {
      default: 'deny',
      description: 'Hosts no policy covers: `deny` (403) or `authenticated` (any signed-in user).',
    }),
    policyPathPrefix: Type.String({
      default: '',
      description:
        "Named policies for Envoy: an unguessable segment (`/_policy-<16+ random characters>/`); every SecurityPolicy's extAuth `http.path` must then be `<prefix><name>`, which makes `<name>` the only policy of its routes. Empty: policies by host only.",
    }),
    routeAnnotations: Type.Boolean({
      default: false,
      description: 'Read policies from `horizon.io/auth-*` annotations of HTTPRoutes (through `source`).',
    }),
    redirectHosts: Strings(
      [],
      "Hosts allowed as return and post-logout targets besides the policies' hosts.",
    ),
    trustedProxies: Strings(
      [],
      'CIDRs whose `X-Forwarded-Method/-Host/-Uri/-For` (Caddy forward_auth, nginx auth_request) are trusted.',
    ),
    clientAddress: Section({
      trustedHops: Type.Integer({
        minimum: 0,
        maximum: 8,
        default: 0,
        description:
          "Proxies in front of the gateway whose `X-Forwarded-For` entries are trusted: the client is the entry this many places left of the last one (Envoy Gateway's ClientTrafficPolicy `clientIPDetection.xForwardedFor.numTrustedHops`; the same count for proxies in front of Caddy or nginx).",
      }),
    }),
    appPasswords: Section({
      path: Type.String({
        default: '/oauth2/app-passwords',
        description:
          'The app-passwords page on every protected host (signed-in users make, list and revoke theirs).',
      }),
      maxPerUser: Type.Integer({
        minimum: 1,
        maximum: 256,
        default: 32,
        description: 'App passwords one user may have; past it the page asks to revoke one first.',
      }),
      failuresPerClient: Type.Integer({
        minimum: 1,
        maximum: 10000,
        default: 10,
        description:
          'Failed app-password attempts one client address may make per `appPasswords.windowSeconds`; past it its attempts get 429 until the window ends.',
      }),
      failuresPerUser: Type.Integer({
        minimum: 1,
        maximum: 10000,
        default: 30,
        description:
          'Failed attempts against one user (the Basic user name, or the owner of the password named) per window; past it that user is checked from memory only (passwords verified before keep working) until the window ends.',
      }),
      windowSeconds: Seconds(300, 10, 86400, 'The window of the two failure limits.'),
    }),
    scheme: Type.Union([Type.Literal('auto'), Type.Literal('https'), Type.Literal('http')], {
      default: 'auto',
      description: 'Scheme of app URLs: `auto` reads `X-Forwarded-Proto`, defaulting to https.',
    }),
    bearer: Section({
      enabled: Type.Boolean({
        default: true,
        description: 'Accept a provider-issued JWT in `Authorization: Bearer`.',
      }),
      audiences: Strings([], 'Accepted `aud` values. Empty: the client ID.'),
      userinfoCacheSeconds: Seconds(
        300,
        0,
        3600,
        "How long a token's identity read from userinfo (Pocket-ID's access tokens carry only `sub`) is kept.",
      ),
    }),
    flow: Section({
      ttlSeconds: Seconds(600, 60, 3600, 'How long a login may take.'),
      replaySeconds: Seconds(
        30,
        0,
        300,
        'A callback retried within this window gets the same answer (the code is redeemed once).',
      ),
      maxParallel: Type.Integer({
        minimum: 1,
        maximum: 32,
        default: 16,
        description:
          'Logins one browser may have in progress at once on one host (tabs restored after a session ended each start one); past it the oldest is dropped. Flow cookies also share 4 KB.',
      }),
    }),
  },
  { additionalProperties: false },
);
/** The config as loaded (shared's `loadConfig`): the schema's values as written. */
export type LoadedAuthConfig = Static<typeof AuthConfigSchema>;

/**
 * The config the service runs on: loaded, cross-checked and parsed once at start
 * (`parseAuthConfig`, config-check.ts), so no component parses a setting where it uses it.
 * Components take the slice they need.
 */
/** A policy as the config gives it, its client networks compiled. */
export interface ParsedPolicy extends PolicyConfig {
  /** `networks` without `loginNetworks`, compiled: true for a client that passes without a login. */
  readonly passesWithoutLogin: (address: string) => boolean;
}

export interface AuthConfig
  extends Omit<LoadedAuthConfig, 'trustedProxies' | 'cookie' | 'oidc' | 'redirectHosts' | 'policies'> {
  readonly policies: readonly ParsedPolicy[];
  /** `trustedProxies`, compiled (shared's cidrMatcher). */
  readonly trustedProxies: (address: string) => boolean;
  readonly cookie: Omit<LoadedAuthConfig['cookie'], 'keys'> & {
    /** The keys decoded, 32 bytes each: the first seals, every one opens. */
    readonly keys: readonly Buffer[];
  };
  readonly oidc: Omit<LoadedAuthConfig['oidc'], 'postLogoutRedirect'> & {
    /** The URL read once; undefined when empty (or not a URL): the app's root is used then. */
    readonly postLogoutRedirect: { readonly href: string; readonly hostname: string } | undefined;
  };
  /** Lower-cased. */
  readonly redirectHosts: readonly string[];
}
