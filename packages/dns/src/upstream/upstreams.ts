import type { Clock, Logger, Registry } from '@horizon/shared';
import type { Query } from '../wire/query.ts';
import type { UpstreamAddress } from './address.ts';
import { createExchanger, type Exchanger } from './exchange.ts';
import type { Forwarding } from './forwarding.ts';
import { dotLog, healthLog } from './logs.ts';
import { upstreamMetrics } from './metrics.ts';
import { createUpstreamPool, type UpstreamPool } from './pool.ts';
import { suffixMatch } from './routing.ts';

/** The service's upstream pools, as the handlers ask for them. */
export interface Upstreams {
  /**
   * The pool a query leaves through, by the longest matching domain: a zone miss goes to the rule
   * inside our zones that covers it, else `zoneMiss.upstreams`; any other name to its rule, else
   * `forward.upstreams`. Undefined: not forwarded.
   */
  poolFor(q: Query): UpstreamPool | undefined;
  /** Names outside our zones are forwarded (some of them at least): recursion is available (RA). */
  readonly recursive: boolean;
  /** Anything is forwarded at all. */
  readonly forwarding: boolean;
  /** A miss of this name in our zones leaves through a pool (else our zones answer it NXDOMAIN). */
  forwardsMiss(name: string): boolean;
  /** Ends every exchange in flight and releases its socket. */
  close(): void;
}

/** The settings the pools are made from (DnsSettings' slice: settings.ts imports this folder, never the reverse). */
export interface UpstreamsSettings {
  forward: Pick<Forwarding, 'upstreams' | 'rules' | 'tls'> & {
    policy: 'sequential' | 'random' | 'round_robin';
    timeoutMs: number;
    failuresBeforeDown: number;
    maxInFlight: number;
  };
  zoneMiss: { mode: 'forward' | 'nxdomain' | 'gateway'; upstreams: readonly UpstreamAddress[] };
  zones: readonly string[];
  reverseZones: readonly string[];
}

export interface UpstreamsOptions {
  settings: UpstreamsSettings;
  registry: Registry;
  logger: Logger;
  clock: Clock;
  /** Upstream I/O. Default: a socket per plain query, shared DoT connections (exchange.ts); tests may pass their own. */
  exchanger?: Exchanger | undefined;
  /** Wraps each pool of zone misses: the loop guard marks every query that leaves through one. */
  wrapZoneMiss?: (pool: UpstreamPool) => UpstreamPool;
}

/**
 * The pools, over one exchanger, with their metrics: the general pool (`forward.upstreams`), one
 * per conditional forwarding rule (`forward.rules`), and the zone-miss pool (`zoneMiss.upstreams`,
 * in mode `forward`). Every pool has the same fail-over, health, logging and metrics (pool.ts); the
 * cache in front of them keys by name, and a name always leaves through the same pool. A pool with
 * no servers does not exist: its queries are not forwarded.
 */
export function createUpstreams(o: UpstreamsOptions): Upstreams {
  const metrics = upstreamMetrics(o.registry);
  const { forward, zoneMiss } = o.settings;
  const log = o.logger.child({ component: 'upstream' });
  const exchanger =
    o.exchanger ??
    createExchanger({
      onSpoofed: () => metrics.spoofed.inc(),
      clock: o.clock,
      dot: forward.tls,
      dotQueueLimit: forward.maxInFlight,
      dotEvents: dotLog(log, o.clock, metrics.dot),
    });
  const onHealth = healthLog(log, o.clock);
  const poolOf = (servers: readonly UpstreamAddress[], name: string): UpstreamPool | undefined => {
    if (servers.length === 0) return undefined;
    const pool = createUpstreamPool({
      servers,
      policy: forward.policy,
      timeoutMs: forward.timeoutMs,
      failuresBeforeDown: forward.failuresBeforeDown,
      exchanger,
      now: o.clock.now,
      onAttempt: metrics.attempt,
      onHealth: (u, event) => onHealth(u, event, name),
    });
    metrics.track(pool);
    return pool;
  };
  const forMisses = (pool: UpstreamPool | undefined) =>
    pool && o.wrapZoneMiss ? o.wrapZoneMiss(pool) : pool;
  const forwardsMisses = zoneMiss.mode === 'forward';
  const misses = forwardsMisses ? forMisses(poolOf(zoneMiss.upstreams, 'zoneMiss')) : undefined;
  const general = poolOf(forward.upstreams, 'forward');
  // Two tables: a zone miss never leaves through a rule outside our zones (a rule for the parent
  // domain may name the router that forwards our zones to us), nor any other name through one inside.
  const outside: [string, UpstreamPool | undefined][] = [['', general]];
  const inside: [string, UpstreamPool | undefined][] = [];
  const ourZones = [...o.settings.zones, ...o.settings.reverseZones];
  // Our reverse zones' misses stay here (RFC 6303: a private address's PTR never goes to public
  // resolvers, which zoneMiss.upstreams are): NXDOMAIN, unless a rule inside the zone takes them.
  const reverse = new Set(o.settings.reverseZones);
  for (const zone of ourZones) inside.push([zone, reverse.has(zone) ? undefined : misses]);
  const inOurZones = suffixMatch(ourZones.map((z) => [z, true] as const));
  for (const rule of forward.rules) {
    if (rule.inOurZones && !forwardsMisses) continue; // refused at start (forwarding.ts)
    // A rule with a domain inside our zones takes zone misses: the loop guard marks its queries.
    const pool = rule.inOurZones
      ? forMisses(poolOf(rule.upstreams, rule.key))
      : poolOf(rule.upstreams, rule.key);
    for (const domain of rule.domains) (inOurZones(domain) ? inside : outside).push([domain, pool]);
  }
  // suffixMatch keeps the first entry of a domain: the zones' own come first, so a rule can never
  // take a zone apex (also refused at start).
  const ruleFor = suffixMatch(outside);
  const missFor = suffixMatch(inside);
  const recursive = outside.some(([, pool]) => pool !== undefined);
  return {
    poolFor: (q) => (q.zoneMiss ? missFor(q.name) : ruleFor(q.name)),
    forwardsMiss: (name) => missFor(name) !== undefined,
    recursive,
    forwarding: recursive || inside.some(([, pool]) => pool !== undefined),
    close: () => exchanger.close(),
  };
}
