import { type GatewayApiSnapshot, keyOf } from '@horizon/shared';
import type { Answer } from '../wire/response.ts';
import { addressesOf } from './addresses.ts';
import { claimsOf } from './claims-of.ts';
import { entriesOf } from './entries.ts';
import { inZone } from './hostnames.ts';
import { createProblems, LIMITS } from './limits.ts';
import { entsOf } from './names.ts';
import type { GatewayAddresses } from './routes.ts';
import type { IndexConfig, IndexData } from './types.ts';
import { addressAnswers, buildZone, type Zone } from './zone.ts';

/**
 * Builds the index and every answer's bytes from the source's objects and the config's records.
 * Runs on change, never per query: every source's claims (claims-of.ts), one owner per name by the
 * one precedence (claims.ts), then each name's answers (entries.ts).
 */
export function buildIndex(snapshot: GatewayApiSnapshot, c: IndexConfig, builtAt = Date.now()): IndexData {
  const zones = zonesOf(c, snapshot.generation);
  const zoneOf = (name: string) => zones.find((z) => inZone(name, z.name));
  const gateways = new Map(snapshot.gateways.map((g) => [keyOf(g), g]));
  const addresses: GatewayAddresses = (ref, view) => {
    const override = view === 0 ? undefined : c.views[view - 1]?.addresses[ref];
    const base = c.gateways.find((g) => g.ref === ref)?.addresses ?? [];
    return addressesOf(gateways.get(ref), override ?? base, c.fromManifests);
  };
  const problems = createProblems();
  const outside = new Set<string>();
  const { winners, conflicts } = claimsOf(snapshot, {
    c,
    addresses,
    inZones: (name) => zoneOf(name) !== undefined,
    problems,
    outside,
    claims: { made: 0, objectsSkipped: 0 },
  });
  const { exact, wildcards } = entriesOf(winners, {
    zoneOf,
    viewNames: c.views.map((v) => v.name),
    problems,
  });
  if (outside.size > LIMITS.reportsKept) {
    problems.list.push({
      owner: '(index)',
      problem: `${outside.size} names outside the zones, the first ${LIMITS.reportsKept} listed`,
    });
  }
  if (problems.dropped() > 0) {
    problems.list.push({ owner: '(index)', problem: `${problems.dropped()} more problems not kept` });
  }
  return {
    generation: snapshot.generation,
    builtAt,
    zones,
    exact,
    wildcards,
    ents: entsOf(winners.keys(), zoneOf),
    outside: [...outside].sort().slice(0, LIMITS.reportsKept),
    conflicts,
    problems: problems.list,
    missAnswers: missAnswersOf(c, zones, gateways),
  };
}

/** Our zones and reverse zones, longest (most specific) first, SOA serial = the generation. */
function zonesOf(c: IndexConfig, serial: number): Zone[] {
  const zoneOpts = { ttl: c.ttl, negativeTtl: c.negativeTtl, serial };
  return [
    ...c.zones.map((z) => buildZone({ ...zoneOpts, ...z })),
    ...c.reverseZones.map((name) =>
      buildZone({ ...zoneOpts, name, nameserver: c.zones[0]?.nameserver ?? name, nameserverAddresses: [] }),
    ),
  ].sort((a, b) => b.name.length - a.name.length);
}

/** Zone-miss mode `gateway`: for each zone, the miss Gateway's addresses per view (no config override). */
function missAnswersOf(
  c: IndexConfig,
  zones: readonly Zone[],
  gateways: ReadonlyMap<string, GatewayApiSnapshot['gateways'][number]>,
): Map<Zone, Map<number, Answer>[]> {
  const missAnswers = new Map<Zone, Map<number, Answer>[]>();
  const ref = c.missGateway;
  if (ref === undefined) return missAnswers;
  const perView = Array.from({ length: c.views.length + 1 }, (_, v) => {
    const override = v === 0 ? undefined : c.views[v - 1]?.addresses[ref];
    return addressesOf(gateways.get(ref), override ?? [], c.fromManifests);
  });
  const reverse = new Set(c.reverseZones);
  for (const zone of zones) {
    // A reverse zone's names are PTRs of addresses: its misses are NXDOMAIN (answer.ts), never the
    // gateway's address for `9.3.90.10.in-addr.arpa` nor NODATA that says every such name exists.
    if (reverse.has(zone.name)) continue;
    missAnswers.set(
      zone,
      perView.map((list) => addressAnswers(list, c.ttl, zone)),
    );
  }
  return missAnswers;
}
