import { type Clock, type GatewayApiSource, type Logger, type Registry, systemClock } from '@horizon/shared';
import { createChain } from './chain.ts';
import { createAcl, rememberVerdicts } from './handlers/acl.ts';
import { createAuthoritative } from './handlers/authoritative.ts';
import { createCache } from './handlers/cache.ts';
import { createChase } from './handlers/chase.ts';
import { createForward } from './handlers/forward.ts';
import { createLoop, createLoopGuard } from './handlers/loop.ts';
import { createScope } from './handlers/scope.ts';
import type { Handler } from './handlers/types.ts';
import { createZoneAnswers } from './index/answer.ts';
import { createLiveIndex } from './index/live.ts';
import { createDnsMetrics } from './metrics.ts';
import { createDnsServer } from './server.ts';
import type { DnsSettings } from './settings.ts';
import { createTcpMetrics } from './tcp/metrics.ts';
import type { Exchanger } from './upstream/exchange.ts';
import { createUpstreams } from './upstream/upstreams.ts';
import { RCODE } from './wire/constants.ts';
import { errorMessage } from './wire/response.ts';

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
 * Assembles the DNS service: the index kept from the source, the handler chain, the listeners.
 * main.ts only creates the logger and the source, calls this, listens and handles signals.
 */
export function createDnsService(config: DnsSettings, deps: DnsDeps) {
  const log = deps.logger.child({ component: 'dns' });
  const clock = deps.clock ?? systemClock;
  const metrics = createDnsMetrics(deps.registry);
  const liveIndex = createLiveIndex({
    settings: config,
    source: deps.source,
    registry: deps.registry,
    logger: deps.logger,
  });

  const loops = createLoopGuard();
  const upstreams = createUpstreams({
    settings: config,
    registry: deps.registry,
    clock,
    exchanger: deps.exchanger,
    wrapZoneMiss: loops.wrap,
  });
  const allowed = rememberVerdicts(config.acl.allow);
  const zoneAnswers = createZoneAnswers({
    zones: [...config.zones, ...config.reverseZones],
    index: liveIndex,
    views: config.views,
    zoneMiss: config.zoneMiss.mode,
  });
  let refusedHint = false;
  const passThrough: Handler = (q, next) => next(q);
  const handle = createChain({
    acl: createAcl({ allowed, onRefused: () => metrics.acl.inc() }),
    scope: createScope(),
    authoritative: createAuthoritative({ answer: zoneAnswers.answer }),
    loop: createLoop({ guard: loops, logger: log, onLoop: () => metrics.forward.loops.inc() }),
    chase: createChase({
      ours: zoneAnswers.ours,
      answer: zoneAnswers.answer,
      onChase: () => metrics.forward.chased.inc(),
    }),
    cache:
      config.cache.size > 0
        ? createCache({
            ...config.cache,
            upstreamsDown: (q) => upstreams.poolFor(q)?.allDown() ?? false,
            clock,
            onResult: (r) => metrics.cache[r === 'hit' ? 'hits' : r === 'miss' ? 'misses' : r].inc(),
          })
        : passThrough,
    forward: createForward({
      poolFor: upstreams.poolFor,
      maxInFlight: config.forward.maxInFlight,
      ours: zoneAnswers.ours,
      onOverload: () => metrics.forward.overload.inc(),
    }),
    last: (q) => {
      if (!refusedHint) {
        refusedHint = true;
        log.warn(
          { name: q.name },
          'a name outside the zones was refused: no forward upstreams are configured (forward.upstreams)',
        );
      }
      return errorMessage(q, RCODE.REFUSED);
    },
  });
  const tcpMetrics = createTcpMetrics(deps.registry);
  const server = createDnsServer({
    addresses: config.listen.addresses,
    port: config.listen.port,
    handle,
    tcp: config.tcp,
    logger: deps.logger,
    observe: metrics.observe,
    // RA only to clients that may recurse: allowed, and with upstreams to recurse through.
    recursion: upstreams.recursive ? allowed : () => false,
    tcpEvents: tcpMetrics.events,
    clock,
  });
  tcpMetrics.watch(server.tcp);

  return {
    server,
    rebuild: liveIndex.rebuild,
    ready: () => liveIndex.current() !== undefined,
    routes: { '/records': liveIndex.records },
    async close() {
      await server.close();
      upstreams.close();
    },
  };
}
