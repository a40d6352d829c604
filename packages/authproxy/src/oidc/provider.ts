import { type Clock, type Logger, type Registry, systemClock } from '@horizon/shared';
import type { AuthConfig } from '../config.ts';
import { createDiscovery, type Discovery, type Fetch } from './discovery.ts';
import { createProviderHealth, type ProviderHealth } from './health.ts';
import { createReachability } from './reachability.ts';
import { createTokenCalls, type TokenCalls } from './tokens.ts';

export type { Fetch } from './discovery.ts';
export type { FlowChecks, Redeemed } from './tokens.ts';

export interface ProviderDeps {
  logger: Logger;
  /** Outbound HTTP; tests and the demo pass their own. Default: global fetch. */
  fetch?: Fetch;
  /** Discovery retries and the remembered reachability run on it. Default: the system's. */
  clock?: Clock;
  /** Where the provider's health gauge goes; without it, no probe runs (tests of other parts). */
  registry?: Registry;
}

/**
 * The OpenID Provider (Pocket-ID) as the service uses it: its configuration, discovered in the
 * background and retried (oidc/discovery.ts), so the service starts and existing sessions keep
 * working while the provider is down; whether it answers now (oidc/reachability.ts); and its
 * token and userinfo calls (oidc/tokens.ts). Calls that need the provider throw
 * E_PROVIDER_UNAVAILABLE until it answers.
 */
export interface Provider extends Discovery, TokenCalls {
  /** Whether the provider answers now (its discovery document); an answer is remembered 1 s, a failure 5 s. */
  reachable(): Promise<boolean>;
  /** What was last learned of it (probed every 30 s when a registry was given). */
  health: Pick<ProviderHealth, 'last'>;
}

export function createProvider(oidc: AuthConfig['oidc'], deps: ProviderDeps): Provider {
  const logger = deps.logger.child({ component: 'oidc' });
  const fetchImpl = deps.fetch ?? fetch;
  const clock = deps.clock ?? systemClock;
  const discovery = createDiscovery(oidc, { logger, fetch: fetchImpl, clock });
  const asking = { issuer: oidc.issuer, timeoutMs: oidc.timeoutMs, fetch: fetchImpl };
  const check = createReachability({ ...asking, clock });
  // The probe asks on its own: its answer must not become a login's remembered one (a probe at
  // start, before the provider is up, would refuse sign-ins for 5 s). It runs on the system's
  // time: it is observation, not a decision, and tests' manual clocks belong to the login path.
  const health = deps.registry
    ? createProviderHealth({
        reachable: createReachability({ ...asking, clock: systemClock }),
        clock: systemClock,
        registry: deps.registry,
      })
    : undefined;
  const reachable = async () => {
    const up = await check();
    health?.note(up);
    return up;
  };
  return {
    ...discovery,
    ...createTokenCalls(discovery.configuration, oidc.scopes),
    reachable,
    health: { last: () => health?.last() },
    close() {
      health?.close();
      discovery.close();
    },
  };
}
