import {
  type Clock,
  createHistory,
  metricSamples,
  metricTotal,
  type Registry,
  systemClock,
} from '@horizon/shared';
import type { AuthConfig } from '../config.ts';
import type { Provider } from '../oidc/provider.ts';
import type { Policy } from '../policy/policies.ts';
import type { PolicyTable } from '../policy/table.ts';
import type { Denial } from './denials.ts';
import type { AuthStatus } from './page.ts';

export interface AuthStatusSources {
  config: AuthConfig;
  policies: PolicyTable;
  provider: Pick<Provider, 'discovered' | 'health'>;
  registry: Registry;
  denials: () => Denial[];
  clock: Clock;
  /** Active sessions, where the store can count them (Redis); undefined when it cannot now. */
  sessions?: () => Promise<string | undefined>;
}

/**
 * The page's graph: checks per second by decision over the last hour, sampled every 10 s from
 * horizon_authproxy_checks_total, which the check counts anyway.
 */
export function authHistory(registry: Registry, clock: Clock) {
  const history = createHistory({ clock });
  for (const decision of ['allow', 'redirect', 'deny'])
    history.track(decision, {
      kind: 'counter',
      read: () => metricTotal(registry, 'horizon_authproxy_checks_total', { decision }),
    });
  return history;
}

/** Who a policy lets through, and how, in words. */
export function whoMayPass(p: Policy): string {
  if (p.refusal === 'route-policy') return "no one: the route's horizon.io/auth-policy names no policy";
  const who = [
    p.groups.size ? `groups ${[...p.groups].join(', ')}` : '',
    p.users.size ? `users ${[...p.users].join(', ')}` : '',
    p.emails.size ? `emails ${[...p.emails].join(', ')}` : '',
  ].filter(Boolean);
  const except = p.loginNetworks.length ? ` (${p.loginNetworks.join(', ')} still sign in)` : '';
  return [
    who.length ? who.join('; ') : 'any signed-in user',
    p.appPasswords ? 'also with an app password' : '',
    p.networks.length ? `anyone from ${p.networks.join(', ')} without a login${except}` : '',
  ]
    .filter(Boolean)
    .join('; ');
}

/** Everything the status page shows, read when the page is asked for (never on a check's path). */
export async function gatherAuthStatus(
  o: AuthStatusSources,
  history: ReturnType<typeof authHistory>,
): Promise<AuthStatus> {
  const last = o.provider.health.last();
  const storeUp = await metricSamples(o.registry, 'horizon_authproxy_session_store_up');
  return {
    policies: o.policies.all().map((p) => ({
      name: p.name,
      source: p.source,
      hosts: p.hosts,
      pathPrefix: p.pathPrefix,
      who: whoMayPass(p),
      publicPaths: p.publicPaths,
    })),
    provider: {
      issuer: o.config.oidc.issuer,
      discovered: o.provider.discovered(),
      up: last?.up,
      // The probe runs on the system's time, whatever clock the checks run on (oidc/provider.ts).
      checkedSecondsAgo: last ? (systemClock.now() - last.at) / 1000 : undefined,
    },
    store: {
      mode: o.config.session.store,
      up: storeUp.length ? storeUp[0]?.value === 1 : undefined,
      sessions: await o.sessions?.(),
    },
    denials: o.denials(),
    history: {
      stepSeconds: history.stepMs / 1000,
      allow: history.points('allow'),
      redirect: history.points('redirect'),
      deny: history.points('deny'),
    },
  };
}
