import { type Clock, type GatewayApiSource, limitViews, type OpsRoute, type Registry } from '@horizon/shared';
import type { LiveIndex } from '../index/live.ts';
import type { DnsSettings } from '../settings.ts';
import { createAnswerLog } from './answers.ts';
import { dnsHistory, gatherDnsStatus } from './gather.ts';
import { renderDnsStatus } from './page.ts';
import { upstreamUses } from './upstream-uses.ts';

/**
 * The status page at `/` of the ops port, with what it keeps: the last failed answers (the
 * server tells `observe` after each answer left) and an hour of the responses counter, sampled
 * until `close`. The auth service's status/status.ts is its twin.
 */
export function createStatusPage(o: {
  settings: DnsSettings;
  /** Our zones and reverse zones. */
  zones: readonly string[];
  index: LiveIndex;
  source: Pick<GatewayApiSource, 'stalenessSeconds'>;
  registry: Registry;
  clock: Clock;
}) {
  const answers = createAnswerLog({
    zones: o.zones,
    synced: () => o.index.current() !== undefined,
    clock: o.clock,
  });
  const history = dnsHistory(o.registry, o.clock);
  const stop = new AbortController();
  void history.run(stop.signal);
  const sources = { ...o, failures: answers.list, uses: upstreamUses(o.settings) };
  const route: OpsRoute = limitViews(async (url) => ({
    html: renderDnsStatus(
      await gatherDnsStatus(sources, history),
      url.searchParams.get('q') ?? '',
      o.clock.now(),
    ),
  }));
  return { observe: answers.observe, route, close: () => stop.abort() };
}
