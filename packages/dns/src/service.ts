import type { Clock, GatewayApiSource, Logger, Registry } from '@horizon/shared';
import { createChain } from './chain.ts';
import { createAcl, rememberVerdicts } from './handlers/acl.ts';
import { createAuthoritative } from './handlers/authoritative.ts';
import { createCache } from './handlers/cache.ts';
import { createChase } from './handlers/chase.ts';
import { createForward } from './handlers/forward.ts';
import { createLoopGuard } from './handlers/loop.ts';
import { createScope } from './handlers/scope.ts';
import type { Handler } from './handlers/types.ts';
import { createZoneAnswers } from './index/answer.ts';
import { createLiveIndex } from './index/live.ts';
import { createDnsMetrics } from './metrics.ts';
import { createDnsServer } from './server.ts';
import type { DnsSettings, HostPort } from './settings.ts';
import { createTcpMetrics } from './tcp/metrics.ts';
import { createExchanger, type Exchanger } from './upstream/exchange.ts';
import { createUpstreamPool, type UpstreamPool } from './upstream/pool.ts';
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
  const metrics = createDnsMetrics(deps.registry);
  const exchanger =
    deps.exchanger ??
    createExchanger({
      onSpoofed: () => metrics.forward.spoofed.inc(),
      ...(deps.clock ? { clock: deps.clock } : {}),
    });
  const liveIndex = createLiveIndex({
    settings: config,
    source: deps.source,
    registry: deps.registry,
    logger: deps.logger,
  });

  const pool = (servers: readonly HostPort[]): UpstreamPool | undefined => {
    if (servers.length === 0) return undefined;
    const p = createUpstreamPool({
      servers,
      policy: config.forward.policy,
      timeoutMs: config.forward.timeoutMs,
      failuresBeforeDown: config.forward.failuresBeforeDown,
      exchanger,
      ...(deps.clock ? { now: deps.clock.now } : {}),
      onAttempt: (u, outcome, seconds) => {
        metrics.forward.requests.labels(u.label).inc();
        metrics.forward.duration.labels(u.label).observe(seconds);
        if (outcome !== 'ok') metrics.forward.failures.labels(u.label, outcome).inc();
        metrics.forward.healthy.labels(u.label).set(u.down ? 0 : 1);
      },
    });
    for (const u of p.upstreams) metrics.forward.healthy.labels(u.label).set(1);
    return p;
  };
  const allowed = rememberVerdicts(config.acl.allow);
  const zoneAnswers = createZoneAnswers({
    zones: [...config.zones, ...config.reverseZones],
    index: liveIndex,
    views: config.views,
    zoneMiss: config.zoneMiss.mode,
  });
  const general = pool(config.forward.upstreams);
  const zoneMissPool = config.zoneMiss.mode === 'forward' ? pool(config.zoneMiss.upstreams) : undefined;
  const loopGuard = createLoopGuard({ logger: log, onLoop: () => metrics.forward.loops.inc() });
  let refusedHint = false;
  const passThrough: Handler = (q, next) => next(q);
  const handle = createChain({
    acl: createAcl({ allowed, onRefused: () => metrics.acl.inc() }),
    scope: createScope(),
    authoritative: createAuthoritative({ answer: zoneAnswers.answer }),
    loop: loopGuard.handler,
    chase: createChase({
      ours: zoneAnswers.ours,
      answer: zoneAnswers.answer,
      onChase: () => metrics.forward.chased.inc(),
    }),
    cache:
      config.cache.size > 0
        ? createCache({
            ...config.cache,
            upstreamsDown: (q) => (q.zoneMiss ? zoneMissPool : general)?.allDown() ?? false,
            ...(deps.clock ? { clock: deps.clock } : {}),
            onResult: (r) => metrics.cache[r === 'hit' ? 'hits' : r === 'miss' ? 'misses' : r].inc(),
          })
        : passThrough,
    forward: createForward({
      general,
      zoneMiss: zoneMissPool,
      maxInFlight: config.forward.maxInFlight,
      loopGuard,
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
    recursion: general ? allowed : () => false,
    tcpEvents: tcpMetrics.events,
    ...(deps.clock ? { clock: deps.clock } : {}),
  });
  tcpMetrics.watch(server.tcp);

  return {
    server,
    rebuild: liveIndex.rebuild,
    ready: () => liveIndex.current() !== undefined,
    routes: { '/records': liveIndex.records },
    async close() {
      await server.close();
      exchanger.close();
    },
  };
}
