import { type Clock, type GatewayApiSource, type Logger, type Registry, systemClock } from '@horizon/shared';
import { createChain } from './chain.ts';
import { rememberVerdicts } from './handlers/acl.ts';
import { createLoopGuard } from './handlers/loop.ts';
import { createZoneAnswers } from './index/answer.ts';
import { createLiveIndex } from './index/live.ts';
import { createRequestObserver } from './request-metrics.ts';
import { createDnsServer } from './server.ts';
import type { DnsSettings } from './settings.ts';
import { createStatusPage } from './status/status.ts';
import { createTcpMetrics } from './tcp/metrics.ts';
import type { Exchanger } from './upstream/exchange.ts';
import { createUpstreams } from './upstream/upstreams.ts';

/** What the DNS service needs besides its settings. */
export interface DnsDeps {
  logger: Logger;
  registry: Registry;
  source: GatewayApiSource;
  /** Upstream I/O; tests may pass their own. */
  exchanger?: Exchanger;
  /** Time and timers; tests pass a clock they move. */
  clock?: Clock;
}

/**
 * Assembles the DNS service from its parts: the live index and our zones' answers over it, the
 * upstream pools, the handler chain (chain.ts) and the listeners. main.ts only creates the source,
 * calls this, listens and handles signals.
 */
export function createDnsService(settings: DnsSettings, deps: DnsDeps) {
  const { logger, registry } = deps;
  const clock = deps.clock ?? systemClock;
  const index = createLiveIndex({ settings, source: deps.source, registry, logger });
  const ourZones = [...settings.zones, ...settings.reverseZones];
  const zones = createZoneAnswers({
    zones: ourZones,
    index,
    views: settings.views,
    zoneMiss: settings.zoneMiss.mode,
    // Read at query time: the upstreams are made below, from the same settings.
    forwardsMiss: (name) => upstreams.forwardsMiss(name),
  });
  const loops = createLoopGuard();
  const upstreams = createUpstreams({
    settings,
    logger,
    registry,
    clock,
    exchanger: deps.exchanger,
    wrapZoneMiss: loops.wrap,
  });
  const tcpMetrics = createTcpMetrics(registry);
  const status = createStatusPage({ settings, zones: ourZones, index, source: deps.source, registry, clock });
  const countRequest = createRequestObserver(registry);
  const server = createDnsServer({
    addresses: settings.listen.addresses,
    port: settings.listen.port,
    handle: createChain({ settings, zones, upstreams, loops, registry, logger, clock }),
    tcp: settings.tcp,
    logger,
    // Named parameters, not a rest array: this runs once per request.
    observe: (q, transport, family, response, started) => {
      countRequest(q, transport, family, response, started);
      status.observe(q, transport, family, response, started);
    },
    // RA only to clients that may recurse: allowed, and with upstreams to recurse through.
    recursion: upstreams.recursive ? rememberVerdicts(settings.acl.allow) : () => false,
    tcpEvents: tcpMetrics.events,
    clock,
  });
  tcpMetrics.watch(server.tcp);

  return {
    server,
    rebuild: index.rebuild,
    ready: () => index.current() !== undefined,
    routes: {
      '/records': index.records,
      '/': status.route,
    },
    async close() {
      status.close();
      await server.close();
      upstreams.close();
    },
  };
}
