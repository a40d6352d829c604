import {
  type Clock,
  type GatewayApiSource,
  type Logger,
  type OpsRoute,
  type Registry,
  systemClock,
} from '@horizon/shared';
import Fastify, { type FastifyInstance } from 'fastify';
import { type Check, createCheck } from './check/check.ts';
import type { AuthConfig } from './config.ts';
import { createShell } from './http/shell.ts';
import { createIdentitySigner } from './identity-jwt.ts';
import { createLogLimiter } from './log-limit.ts';
import { createCookieWriter } from './login/cookies.ts';
import { createBearerVerifier } from './oidc/bearer.ts';
import { createProvider, type Fetch } from './oidc/provider.ts';
import { policiesFromSnapshot } from './policy/annotations.ts';
import { createPolicyTable } from './policy/table.ts';
import { storeUpGauge } from './session/breaker.ts';
import { cacheSessions } from './session/cache.ts';
import { createCookieStore } from './session/cookie-store.ts';
import { createRedisStore } from './session/redis-store.ts';
import { countRevalidations } from './session/revalidations.ts';
import { createSealer } from './session/seal.ts';

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
 * Builds the check server: every path, every method is a check (as Envoy's ext_authz sends
 * them). Closing the app closes the provider client, the session store and the route watch.
 */
export async function buildApp(config: AuthConfig, deps: AppDeps): Promise<AuthApp> {
  const { logger } = deps;
  const now = deps.now ?? wallClock;
  const clock = deps.clock ?? systemClock;
  const logs = createLogLimiter({ now: clock.now });
  const sealer = createSealer(config.cookie.keys);
  const provider = createProvider(config.oidc, { logger, fetch: deps.fetch, clock });
  const lifetimes = {
    idleSeconds: config.cookie.idleSeconds,
    absoluteSeconds: config.cookie.absoluteSeconds,
  };
  const baseStore =
    config.session.store === 'redis'
      ? createRedisStore({
          ...lifetimes,
          url: config.session.redisUrl,
          sealer,
          logger,
          logs,
          timeoutMs: config.session.storeTimeoutMs,
          revalidateSeconds: config.session.revalidateSeconds,
          clock,
          revalidate: countRevalidations(deps.registry, (token) => provider.refresh(token)),
        })
      : createCookieStore({ ...lifetimes, sealer, logger });
  const store = cacheSessions(baseStore, {
    ...lifetimes,
    size: config.session.cacheSize,
    ttlSeconds: config.session.store === 'redis' ? config.session.cacheSeconds : config.cookie.idleSeconds,
  });
  if (baseStore.available) storeUpGauge(deps.registry, baseStore.available);
  const policies = createPolicyTable(config);
  let unsubscribe = (): void => undefined;
  if (config.routeAnnotations && deps.source) {
    const source = deps.source;
    policies.setRoutePolicies(policiesFromSnapshot(source.snapshot()));
    unsubscribe = source.onChange((snapshot) => policies.setRoutePolicies(policiesFromSnapshot(snapshot)));
  }
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
  const check = createCheck({
    config,
    provider,
    sealer,
    store,
    cookies: createCookieWriter(config.cookie, config.flow.ttlSeconds),
    policies,
    bearer,
    signer,
    registry: deps.registry,
    logger,
    logs,
    now,
  });

  const shell = createShell(check, { logger, maxConnections: config.listen.maxConnections });
  const app = Fastify({
    logger: false,
    return503OnClosing: false,
    bodyLimit: 65_536,
    serverFactory: shell.serverFactory,
  });
  // Checks carry no body worth reading (Envoy sends none); one that comes is read and dropped.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, _body, done) => done(null, undefined));
  app.all('*', (request, reply) => {
    reply.hijack();
    shell.route(request.raw, reply.raw);
  });
  app.addHook('onClose', async () => {
    unsubscribe();
    provider.close();
    await store.close();
  });
  const opsRoutes: Record<string, OpsRoute> = {
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
  if (signer) opsRoutes['/jwks.json'] = () => ({ json: signer.jwks() });
  return { app, check, opsRoutes };
}
