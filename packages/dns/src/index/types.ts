import type { Answer } from '../wire/response.ts';
import type { Zone } from './zone.ts';

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
