import {
  type Clock,
  type GatewayApiSource,
  type Logger,
  type OpsRoute,
  type Registry,
  systemClock,
} from '@horizon/shared';
import type { FastifyInstance } from 'fastify';
import { createAppPasswords } from './app-passwords/app-passwords.ts';
import { type Check, createCheck } from './check/check.ts';
import type { AuthConfig } from './config.ts';
import { createCheckServer } from './http/server.ts';
import { createIdentitySigner, type IdentitySigner } from './identity-jwt.ts';
import { createLogLimiter } from './log-limit.ts';
import { createCookieWriter } from './login/cookies.ts';
import { createBearerVerifier } from './oidc/bearer.ts';
import { createProvider, type Fetch } from './oidc/provider.ts';
import { followRoutePolicies } from './policy/annotations.ts';
import { createPolicyTable, type PolicyTable } from './policy/table.ts';
import { createAppCredentials } from './reply/app-credentials.ts';
import { createSealer } from './session/seal.ts';
import { createSessionStore } from './session/store.ts';
import { idpTokens } from './session/tokens.ts';
import { createStatusPage } from './status/status.ts';

/** What the app needs from outside: injected so tests and the demo pass their own. */
export interface AppDeps {
  logger: Logger;
  registry: Registry;
  /** Outbound HTTP to the provider. Default: global fetch. */
  fetch?: Fetch;
  /** Seconds since the epoch, for sessions and tokens. Default: the system's wall clock. */
  now?: () => number;
  /**
   * Monotonic time for what is remembered or retried a while: the provider's discovery retries and
   * remembered reachability, the session store's breaker, the log limiter's windows. Tests pass a
   * manual clock (shared's `manualClock`). Default: the system's.
   */
  clock?: Clock;
  /** HTTPRoutes whose annotations are policies (with `routeAnnotations`). */
  source?: GatewayApiSource;
}

/** The check server and what the ops server adds for it. */
export interface AuthApp {
  app: FastifyInstance;
  check: Check;
  opsRoutes: Record<string, OpsRoute>;
}

const wallClock = () => Math.floor(Date.now() / 1000);

/**
 * Builds the check server (http/server.ts) around the check (check/check.ts) and the parts it
 * decides with: the provider, the session store, the policies (with route annotations, followed
 * as routes change), the identity JWT signer and the bearer verifier. Closing the app closes the
 * provider client, the session store and the route watch.
 */
export async function buildApp(config: AuthConfig, deps: AppDeps): Promise<AuthApp> {
  const { logger, registry } = deps;
  const now = deps.now ?? wallClock;
  const clock = deps.clock ?? systemClock;
  const logs = createLogLimiter({ now: clock.now });
  const sealer = createSealer(config.cookie.keys);
  const provider = createProvider(config.oidc, { logger, fetch: deps.fetch, clock, registry });
  const revalidate = (token: string) => provider.refresh(token);
  const store = createSessionStore(config, { sealer, logger, logs, clock, registry, revalidate });
  const policies = createPolicyTable(config);
  const source = config.routeAnnotations ? deps.source : undefined;
  const unsubscribe = source ? followRoutePolicies(policies, source) : () => undefined;
  const signer = config.headers.jwt
    ? await createIdentitySigner(
        config.headers.jwtKey,
        config.oidc.issuer,
        config.headers.jwtTtlSeconds,
        config.session.cacheSize,
      )
    : undefined;
  const bearer = config.bearer.enabled
    ? createBearerVerifier({ config, provider, fetch: deps.fetch })
    : undefined;
  const cookies = createCookieWriter(config.cookie, config.flow.ttlSeconds);
  const status = createStatusPage({
    config,
    policies,
    provider,
    registry,
    clock,
    sessions: store.redis?.sessions,
  });
  const credentials = createAppCredentials(
    config.policies.map((p) => p.appCredentials),
    logger.child({ component: 'app-credentials' }),
  );
  const check = createCheck({
    config,
    provider,
    sealer,
    store,
    cookies,
    policies,
    bearer,
    signer,
    credentials,
    tokens: store.redis
      ? idpTokens(store.redis.users, store.redis.invalidation, config.session.cacheSize)
      : undefined,
    appPasswords: store.redis ? createAppPasswords(config, store.redis) : undefined,
    registry,
    logger,
    logs,
    now,
    onDecision: status.onDecision,
  });
  const app = createCheckServer(check, {
    logger,
    maxConnections: config.listen.maxConnections,
    onClose: async () => {
      status.close();
      unsubscribe();
      credentials.close();
      provider.close();
      await store.close();
    },
  });
  return { app, check, opsRoutes: { ...opsRoutesOf(policies, signer), '/': status.route } };
}

/** What the ops port adds: `/policies` (the policies in force) and `/jwks.json` (with the identity JWT). */
function opsRoutesOf(policies: PolicyTable, signer: IdentitySigner | undefined): Record<string, OpsRoute> {
  const routes: Record<string, OpsRoute> = {
    '/policies': () => ({
      json: policies.all().map((p) => ({
        ...p,
        groups: [...p.groups],
        users: [...p.users],
        emails: [...p.emails],
        publicMethods: [...p.publicMethods],
      })),
    }),
  };
  if (signer) routes['/jwks.json'] = () => ({ json: signer.jwks() });
  return routes;
}
