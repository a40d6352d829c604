import type {
  DNSEndpoint,
  Gateway,
  GRPCRoute,
  HTTPRoute,
  KubeObject,
  Namespace,
  SecurityPolicy,
  Service,
} from '../gateway-api/types.ts';
import type { KindName } from './kinds.ts';

/**
 * Everything a source knows at one moment. Immutable: a change makes a new snapshot. A kind the
 * source does not watch is an empty list.
 */
export interface GatewayApiSnapshot {
  /** Grows by one with every change the source notifies. */
  readonly generation: number;
  readonly gateways: readonly Gateway[];
  readonly httpRoutes: readonly HTTPRoute[];
  readonly grpcRoutes: readonly GRPCRoute[];
  readonly services: readonly Service[];
  readonly namespaces: readonly Namespace[];
  readonly dnsEndpoints: readonly DNSEndpoint[];
  readonly securityPolicies: readonly SecurityPolicy[];
}

/** The snapshot field of each kind. */
export const SNAPSHOT_FIELD = {
  gateways: 'gateways',
  httproutes: 'httpRoutes',
  grpcroutes: 'grpcRoutes',
  services: 'services',
  namespaces: 'namespaces',
  dnsendpoints: 'dnsEndpoints',
  securitypolicies: 'securityPolicies',
} as const satisfies Record<KindName, keyof Omit<GatewayApiSnapshot, 'generation'>>;

/** A snapshot from some kinds' objects, the others empty (sources build theirs so; tests too). */
export function snapshotOf(
  generation: number,
  parts: Partial<Omit<GatewayApiSnapshot, 'generation'>> = {},
): GatewayApiSnapshot {
  const empty: readonly KubeObject[] = Object.freeze([]);
  const out: Record<string, unknown> = { generation };
  for (const field of Object.values(SNAPSHOT_FIELD)) out[field] = Object.freeze([...(parts[field] ?? empty)]);
  return Object.freeze(out) as unknown as GatewayApiSnapshot;
}

/**
 * Kubernetes objects from the API or a manifest folder, behind one interface, so a service never
 * knows which. Tests can implement it with a plain object.
 */
export interface GatewayApiSource {
  /** Begins syncing. Resolves after the first attempt, whether or not it succeeded. */
  start(): Promise<void>;
  /** Stops every timer, watch and socket; resolves when they are gone. */
  stop(): Promise<void>;
  /** True once every kind has been fully listed at least once; stays true while stale. */
  synced(): boolean;
  /** Seconds since the objects were last known current: 0 while watches are live. */
  stalenessSeconds(): number;
  snapshot(): GatewayApiSnapshot;
  /**
   * Calls `listener` after changes, debounced: a burst of events gives one call. The listener
   * must not throw; if it does, the error is logged and counted, and other listeners still run.
   * Returns a function that unsubscribes.
   */
  onChange(listener: (snapshot: GatewayApiSnapshot) => void): () => void;
}
