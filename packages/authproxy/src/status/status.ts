import type { Clock, OpsRoute, Registry } from '@horizon/shared';
import type { AuthConfig } from '../config.ts';
import type { Provider } from '../oidc/provider.ts';
import type { PolicyTable } from '../policy/table.ts';
import { createDenialLog } from './denials.ts';
import { authHistory, gatherAuthStatus } from './gather.ts';
import { renderAuthStatus } from './page.ts';

/**
 * The status page at `/` of the ops port, with what it keeps: the last refusals (told by the
 * check after each answer) and an hour of the check counters, sampled until `close`.
 */
export function createStatusPage(o: {
  config: AuthConfig;
  policies: PolicyTable;
  provider: Pick<Provider, 'discovered' | 'health'>;
  registry: Registry;
  clock: Clock;
}) {
  const denials = createDenialLog(o.clock);
  const history = authHistory(o.registry, o.clock);
  const stop = new AbortController();
  void history.run(stop.signal);
  const sources = { ...o, denials: denials.list };
  const route: OpsRoute = async () => ({
    html: renderAuthStatus(await gatherAuthStatus(sources, history), o.clock.now()),
  });
  return { onDecision: denials.observe, route, close: () => stop.abort() };
}
