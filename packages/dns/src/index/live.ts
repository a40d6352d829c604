import type { GatewayApiSource, Logger, OpsRoute, Registry } from '@horizon/shared';
import { Gauge } from 'prom-client';
import type { DnsSettings } from '../settings.ts';
import { buildIndex } from './build.ts';
import { inZone } from './hostnames.ts';
import { createReporter } from './report.ts';
import type { IndexConfig, IndexData } from './types.ts';

/** The index the query path reads, kept current from the source. */
export interface LiveIndex {
  /** The index now; undefined until the source has first synced (zone names get SERVFAIL). */
  current(): IndexData | undefined;
  /** Rebuilds it from the source when the source has synced and has something new. */
  rebuild(): void;
  /** `/records` on the ops port: every name served, with its addresses, route and Gateway. */
  records: OpsRoute;
}

export interface LiveIndexOptions {
  settings: DnsSettings;
  source: GatewayApiSource;
  registry: Registry;
  logger: Logger;
}

/**
 * The index, rebuilt on every change of the source and never per query (precomputed answers, a
 * map lookup on the query path), with its metrics and `/records`. The source calls `rebuild` on
 * change; the service calls it once after the source starts.
 */
export function createLiveIndex(o: LiveIndexOptions): LiveIndex {
  const log = o.logger.child({ component: 'index' });
  const metrics = indexMetrics(o.registry);
  const config = indexConfigOf(o.settings);
  warnUnaddressedNameserver(o.settings, log);
  let index: IndexData | undefined;
  const report = createReporter(log);

  const rebuild = () => {
    if (!o.source.synced()) return;
    const snapshot = o.source.snapshot();
    if (index && index.generation === snapshot.generation) return;
    const started = performance.now();
    index = buildIndex(snapshot, config);
    const names = index.exact.size + index.wildcards.size;
    metrics.names.set(names);
    metrics.generation.set(index.generation);
    metrics.builtAt.set(index.builtAt / 1000);
    log.info(
      {
        names,
        generation: index.generation,
        build_seconds: Math.round(performance.now() - started) / 1000, // to the millisecond
        outside_zones: index.outside.length,
      },
      'index rebuilt',
    );
    report(index);
  };
  o.source.onChange(rebuild);

  const records: OpsRoute = () => {
    if (!index) return { status: 503, json: { synced: false } };
    const names = [...index.exact.values(), ...index.wildcards.values()]
      .map((e) => e.served)
      .sort((a, b) => a.name.localeCompare(b.name));
    return {
      json: {
        synced: true,
        generation: index.generation,
        ageSeconds: (Date.now() - index.builtAt) / 1000,
        staleness: o.source.stalenessSeconds(),
        outsideZones: index.outside,
        names,
        conflicts: index.conflicts,
        problems: index.problems,
      },
    };
  };

  return { current: () => index, rebuild, records };
}

/** What the index is built from, out of the settings. */
function indexConfigOf(s: DnsSettings): IndexConfig {
  // Manifests carry no status: their routes count as accepted, Gateways' addresses come from spec.
  const fromManifests = s.source.manifests !== '';
  return {
    zones: s.zones.map((name) => ({
      name,
      nameserver: s.nameserver.name,
      nameserverAddresses: s.nameserver.addresses,
    })),
    reverseZones: s.reverseZones,
    gateways: s.gateways,
    views: s.views,
    ttl: s.ttl,
    negativeTtl: s.negativeTtl,
    ignoreStatus: s.routeStatus === 'ignore' || (s.routeStatus === 'auto' && fromManifests),
    fromManifests,
    statics: s.records,
    missGateway: s.zoneMiss.mode === 'gateway' ? s.zoneMiss.gateway : undefined,
  };
}

/** The NS record names a host inside our zones that we have no address for: resolvers that follow it find nothing. */
function warnUnaddressedNameserver(s: DnsSettings, log: Logger): void {
  const name = s.nameserver.name;
  if (s.nameserver.addresses.length > 0 || !s.zones.some((z) => inZone(name, z))) return;
  log.warn(
    { nameserver: name },
    `nameserver.addresses is empty: the zone's NS record names ${name}, which has no address here; set nameserver.addresses to the address clients reach Horizon at (its Service IP)`,
  );
}

/** The index's metrics. */
function indexMetrics(registry: Registry) {
  const registers = [registry];
  return {
    names: new Gauge({
      name: 'horizon_dns_index_names',
      help: 'Names answered from the HTTPRoute index.',
      registers,
    }),
    generation: new Gauge({
      name: 'horizon_dns_index_generation',
      help: 'Generation of the index (the SOA serial).',
      registers,
    }),
    builtAt: new Gauge({
      name: 'horizon_dns_index_last_build_timestamp_seconds',
      help: 'When the index was last rebuilt.',
      registers,
    }),
  };
}
