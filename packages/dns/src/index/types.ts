import type { StaticRecord } from '../static-records.ts';
import type { Answer } from '../wire/response.ts';
import type { Zone } from './zone.ts';

/** What the index is built from, besides the Kubernetes objects. */
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
  /**
   * The objects come from manifests, which carry no status: a Gateway's address from
   * spec.addresses, a Service's from its Cilium LB-IPAM annotation or spec.loadBalancerIP, and a
   * Namespace missing from the folder has only the label the API server gives every namespace.
   */
  fromManifests: boolean;
  /** Answer zone names with no route with this Gateway's addresses (zone-miss mode `gateway`). */
  missGateway?: string | undefined;
  /** Records from the config (`records`), already checked. */
  statics: readonly StaticRecord[];
}

/**
 * Where a name's records come from, in precedence order: when several sources claim one name,
 * the first in this list serves it and the others are reported (README, "Which names").
 * `nameserver` is the apex NS name's address (`nameserver.addresses`): a route may take it, as
 * before, but no Service or DNSEndpoint can move the name resolvers reach us by. `reverse` is the
 * PTR records made for the addresses served.
 */
export const SOURCES = [
  'route',
  'gateway',
  'nameserver',
  'service',
  'dnsendpoint',
  'static',
  'reverse',
] as const;
export type SourceKind = (typeof SOURCES)[number];

/** One RRset being built: its TTL and each record's RDATA with its text (for /records). */
export interface RRset {
  ttl: number;
  rdata: Buffer[];
  text: string[];
}

/** A name's RRsets by type. */
export type RecordSets = Map<number, RRset>;

/** What one object (or config entry) says about one name. */
export interface Claim {
  /** Lower case, no final dot; a wildcard is `*.suffix`. */
  name: string;
  source: SourceKind;
  /** Who says it: `HTTPRoute home/pdf`, `Service home/mqtt`, `records[0]`... */
  owner: string;
  /** RRsets per view: index 0 is the default, and a view past the end uses it. */
  views: RecordSets[];
  /** Routes and Gateways: the Gateway whose address it is. */
  gateway?: string;
  /** Routes: every route naming it through that Gateway. */
  routes?: string[];
  /** Made from the config alone (a PTR of static records): never crowded out by the cluster's names. */
  fromConfig?: boolean;
}

/** One name served, for /records. */
export interface ServedName {
  name: string;
  source: SourceKind;
  owner: string;
  gateway?: string;
  routes?: string[];
  /** A and AAAA records per view name (`default`, then each view's name). */
  addresses: Record<string, string[]>;
  /** Other records of the default view by type name (CNAME, TXT, MX, SRV, PTR), as text. */
  records?: Record<string, string[]>;
}

export interface Entry {
  /** Answers by type, one map per view (index 0: default; a view past the end uses it). */
  answers: Map<number, Answer>[];
  /** The answer to any other type: NODATA (with the zone's SOA inside a zone). */
  otherwise: Answer;
  /** The zone it is in; undefined for a static name outside every zone (answered as /etc/hosts is). */
  zone: Zone | undefined;
  served: ServedName;
}

/** A name that lost to another source, or an object Horizon could not (fully) serve. */
export interface Conflict {
  name: string;
  source: SourceKind;
  owner: string;
  /** Who serves the name instead. */
  winner: { source: SourceKind; owner: string };
  reason: string;
  /** The loser would have answered the same records (a Gateway's own name and its Service). */
  same: boolean;
}

/** Something in an object or the config that is not served as written, and why. */
export interface Problem {
  owner: string;
  problem: string;
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
  /** Names the objects declare outside every zone (not served; reported). */
  outside: string[];
  /** Names claimed by more than one source: who lost, and why. */
  conflicts: Conflict[];
  /** What could not be served as written. */
  problems: Problem[];
  /** Answers for zone names with no route, per zone and view (zone-miss mode `gateway`). */
  missAnswers: Map<Zone, Map<number, Answer>[]>;
}
