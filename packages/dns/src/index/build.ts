import { type GatewayApiSnapshot, keyOf } from '@horizon/shared';
import type { Answer } from '../wire/response.ts';
import { addressesOf } from './addresses.ts';
import { attachments } from './attachments.ts';
import { inZone } from './hostnames.ts';
import { createNameTable } from './names.ts';
import { addReverseNames } from './reverse.ts';
import type { IndexConfig, IndexData, ServedName } from './types.ts';
import { addressAnswers, buildZone, type Zone } from './zone.ts';

/** A Gateway's addresses for a view (0: the default) by its `namespace/name`. */
type GatewayAddresses = (ref: string, view: number) => string[];

/** Builds the index and every answer's bytes. Runs on change, never per query. */
export function buildIndex(snapshot: GatewayApiSnapshot, c: IndexConfig, builtAt = Date.now()): IndexData {
  const zones = zonesOf(c, snapshot.generation);
  const zoneOf = (name: string) => zones.find((z) => inZone(name, z.name));
  const gateways = new Map(snapshot.gateways.map((g) => [keyOf(g), g]));
  const addresses: GatewayAddresses = (ref, view) => {
    const override = view === 0 ? undefined : c.views[view - 1]?.addresses[ref];
    const base = c.gateways.find((g) => g.ref === ref)?.addresses ?? [];
    return addressesOf(gateways.get(ref), override ?? base, c.useSpecAddresses);
  };
  const viewCount = c.views.length + 1;
  const { chosen, outside } = chooseGateways(snapshot, c, zoneOf);
  const names = createNameTable(zoneOf);
  for (const served of chosen.values()) {
    const zone = zoneOf(served.name) as Zone;
    const perView = Array.from({ length: viewCount }, (_, v) => addresses(served.gateway, v));
    served.addresses = Object.fromEntries(
      perView.map((list, v) => [v === 0 ? 'default' : (c.views[v - 1]?.name ?? `${v}`), list]),
    );
    names.add(
      served,
      perView.map((list) => addressAnswers(list, c.ttl, zone)),
    );
  }
  addNameservers(names, c, zoneOf);
  addReverseNames(names.exact, zoneOf, chosen.values(), addresses, c.ttl);
  return {
    generation: snapshot.generation,
    builtAt,
    zones,
    exact: names.exact,
    wildcards: names.wildcards,
    ents: names.ents(),
    outside: [...outside].sort(),
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

/**
 * Each hostname in our zones with the highest-priority Gateway that serves it, and the routes
 * through that Gateway that name it; the hostnames outside every zone apart (reported, not served).
 */
function chooseGateways(
  snapshot: GatewayApiSnapshot,
  c: IndexConfig,
  zoneOf: (name: string) => Zone | undefined,
): { chosen: Map<string, ServedName>; outside: Set<string> } {
  const priority = new Map(c.gateways.map((g, i) => [g.ref, i]));
  const chosen = new Map<string, ServedName>();
  const outside = new Set<string>();
  const found = attachments(snapshot.gateways, snapshot.httpRoutes, {
    gateways: c.gateways.map((g) => g.ref),
    ignoreStatus: c.ignoreStatus,
  });
  for (const a of found) {
    if (!zoneOf(a.hostname)) {
      outside.add(a.hostname);
      continue;
    }
    const current = chosen.get(a.hostname);
    if (!current || (priority.get(a.gateway) ?? 0) < (priority.get(current.gateway) ?? 0)) {
      chosen.set(a.hostname, { name: a.hostname, gateway: a.gateway, routes: [a.route], addresses: {} });
    } else if (current.gateway === a.gateway && !current.routes.includes(a.route)) {
      current.routes.push(a.route);
    }
  }
  return { chosen, outside };
}

/** The apex NS names' addresses, where the name is in our zones and no route took it. */
function addNameservers(
  names: ReturnType<typeof createNameTable>,
  c: IndexConfig,
  zoneOf: (name: string) => Zone | undefined,
): void {
  for (const z of c.zones) {
    const zone = zoneOf(z.nameserver);
    if (!zone || z.nameserverAddresses.length === 0 || names.exact.has(z.nameserver)) continue;
    const answers = addressAnswers(z.nameserverAddresses, c.ttl, zone);
    const served = {
      name: z.nameserver,
      gateway: '(nameserver)',
      routes: [],
      addresses: { default: [...z.nameserverAddresses] },
    };
    names.add(served, Array(c.views.length + 1).fill(answers));
  }
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
    return addressesOf(gateways.get(ref), override ?? [], c.useSpecAddresses);
  });
  for (const zone of zones) {
    missAnswers.set(
      zone,
      perView.map((list) => addressAnswers(list, c.ttl, zone)),
    );
  }
  return missAnswers;
}
