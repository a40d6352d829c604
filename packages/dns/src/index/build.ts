import { type GatewayApiSnapshot, keyOf } from '@horizon/shared';
import { TYPE } from '../wire/constants.ts';
import { nameRdata, record, reverseName } from '../wire/records.ts';
import type { Answer } from '../wire/response.ts';
import { addressesOf } from './addresses.ts';
import { attachments } from './attachments.ts';
import { inZone } from './hostnames.ts';
import { addressAnswers, buildZone, type Zone } from './zone.ts';

/** What the index is built from, besides the Gateway API objects. */
export interface IndexConfig {
  zones: readonly { name: string; nameserver: string; nameserverAddresses: readonly string[] }[];
  reverseZones: readonly string[];
  /** Selected Gateways, highest priority first, each with an optional address override. */
  gateways: readonly { ref: string; addresses: readonly string[] }[];
  /** Views after the default one (index 0): per-gateway address overrides for client ranges. */
  views: readonly { name: string; addresses: Readonly<Record<string, readonly string[]>> }[];
  ttl: number;
  negativeTtl: number;
  ignoreStatus: boolean;
  /** Take a Gateway's address from spec.addresses when it has no status (manifests). */
  useSpecAddresses: boolean;
  /** Answer zone names with no route with this Gateway's addresses (zone-miss mode `gateway`). */
  missGateway?: string | undefined;
}

/** One name served, for /records. */
export interface ServedName {
  name: string;
  gateway: string;
  routes: string[];
  addresses: Record<string, string[]>;
}

export interface Entry {
  /** Answers by type, one map per view (index 0: default). */
  answers: Map<number, Answer>[];
  zone: Zone;
  served: ServedName;
}

/** A built index: plain maps, read on every query, rebuilt on every change. */
export interface IndexData {
  generation: number;
  builtAt: number;
  zones: Zone[];
  exact: Map<string, Entry>;
  /** Wildcards by the suffix they cover: `*.apps.example.com` under `apps.example.com`. */
  wildcards: Map<string, Entry>;
  /** Names with nothing of their own but names below them (empty non-terminals: NODATA). */
  ents: Set<string>;
  /** Names the routes declare outside every zone (not served; reported). */
  outside: string[];
  /** Answers for zone names with no route, per zone and view (zone-miss mode `gateway`). */
  missAnswers: Map<Zone, Map<number, Answer>[]>;
}

/** Builds the index and every answer's bytes. Runs on change, never per query. */
export function buildIndex(snapshot: GatewayApiSnapshot, c: IndexConfig, builtAt = Date.now()): IndexData {
  const serial = snapshot.generation;
  const zoneOpts = { ttl: c.ttl, negativeTtl: c.negativeTtl, serial };
  const zones = [
    ...c.zones.map((z) => buildZone({ ...zoneOpts, ...z })),
    ...c.reverseZones.map((name) =>
      buildZone({ ...zoneOpts, name, nameserver: c.zones[0]?.nameserver ?? name, nameserverAddresses: [] }),
    ),
  ].sort((a, b) => b.name.length - a.name.length); // longest (most specific) zone first
  const zoneOf = (name: string) => zones.find((z) => inZone(name, z.name));
  const priority = new Map(c.gateways.map((g, i) => [g.ref, i]));
  const gwByKey = new Map(snapshot.gateways.map((g) => [keyOf(g), g]));
  const addresses = (ref: string, view: number): string[] => {
    const override = view === 0 ? undefined : c.views[view - 1]?.addresses[ref];
    const base = c.gateways.find((g) => g.ref === ref)?.addresses ?? [];
    return addressesOf(gwByKey.get(ref), override ?? base, c.useSpecAddresses);
  };

  // Each hostname goes to its highest-priority Gateway; routes through that Gateway are listed.
  const chosen = new Map<string, ServedName>();
  const outside = new Set<string>();
  for (const a of attachments(snapshot.gateways, snapshot.httpRoutes, {
    gateways: c.gateways.map((g) => g.ref),
    ignoreStatus: c.ignoreStatus,
  })) {
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

  const exact = new Map<string, Entry>();
  const wildcards = new Map<string, Entry>();
  const ents = new Set<string>();
  const viewCount = c.views.length + 1;
  const add = (served: ServedName, answers: Map<number, Answer>[]) => {
    const zone = zoneOf(served.name);
    if (!zone) return;
    const entry = { answers, zone, served };
    if (served.name.startsWith('*.')) wildcards.set(served.name.slice(2), entry);
    else exact.set(served.name, entry);
    for (
      let n = parentOf(served.name);
      n !== null && inZone(n, zone.name) && n !== zone.name;
      n = parentOf(n)
    )
      ents.add(n);
  };
  for (const served of chosen.values()) {
    const zone = zoneOf(served.name) as Zone;
    const perView = Array.from({ length: viewCount }, (_, v) => addresses(served.gateway, v));
    served.addresses = Object.fromEntries(
      perView.map((list, v) => [v === 0 ? 'default' : (c.views[v - 1]?.name ?? `${v}`), list]),
    );
    add(
      served,
      perView.map((list) => addressAnswers(list, c.ttl, zone)),
    );
  }
  for (const z of c.zones) {
    const zone = zoneOf(z.nameserver);
    if (zone && z.nameserverAddresses.length > 0 && !exact.has(z.nameserver)) {
      const answers = addressAnswers(z.nameserverAddresses, c.ttl, zone);
      add(
        {
          name: z.nameserver,
          gateway: '(nameserver)',
          routes: [],
          addresses: { default: [...z.nameserverAddresses] },
        },
        Array(viewCount).fill(answers),
      );
    }
  }
  addReverse(exact, zoneOf, chosen, addresses, c.ttl);
  const missAnswers = new Map<Zone, Map<number, Answer>[]>();
  if (c.missGateway !== undefined) {
    const ref = c.missGateway;
    const perView = Array.from({ length: viewCount }, (_, v) => {
      const override = v === 0 ? undefined : c.views[v - 1]?.addresses[ref];
      return addressesOf(gwByKey.get(ref), override ?? [], c.useSpecAddresses);
    });
    for (const zone of zones)
      missAnswers.set(
        zone,
        perView.map((list) => addressAnswers(list, c.ttl, zone)),
      );
  }
  for (const name of exact.keys()) ents.delete(name); // wildcard keys are suffixes: they stay ENTs
  return {
    generation: serial,
    builtAt,
    zones,
    exact,
    wildcards,
    ents,
    outside: [...outside].sort(),
    missAnswers,
  };
}

/** PTR records for the Gateways' addresses inside a reverse zone: every name served there. */
function addReverse(
  exact: Map<string, Entry>,
  zoneOf: (name: string) => Zone | undefined,
  chosen: Map<string, ServedName>,
  addresses: (ref: string, view: number) => string[],
  ttl: number,
) {
  const names = new Map<string, Set<string>>();
  for (const served of chosen.values()) {
    if (served.name.startsWith('*.')) continue;
    for (const address of addresses(served.gateway, 0)) {
      const rev = reverseName(address);
      names.set(rev, (names.get(rev) ?? new Set()).add(served.name));
    }
  }
  for (const [rev, hosts] of names) {
    const zone = zoneOf(rev);
    if (!zone) continue;
    const list = [...hosts].sort();
    const body = Buffer.concat(list.map((h) => record('question', TYPE.PTR, ttl, nameRdata(h))));
    const ptr: Answer = { rcode: 0, aa: true, ancount: list.length, nscount: 0, arcount: 0, body };
    const answers = new Map<number, Answer>([
      [TYPE.PTR, ptr],
      [TYPE.ANY, ptr],
    ]);
    exact.set(rev, {
      answers: [answers],
      zone,
      served: { name: rev, gateway: '(reverse)', routes: [], addresses: { default: list } },
    });
  }
}

function parentOf(name: string): string | null {
  const dot = name.indexOf('.');
  return dot < 0 ? null : name.slice(dot + 1);
}
