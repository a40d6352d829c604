import type { Gateway, HTTPRoute } from '../gateway-api/types.ts';

/** Everything a source knows at one moment. Immutable: a change makes a new snapshot. */
export interface GatewayApiSnapshot {
  /** Grows by one with every change the source notifies. */
  readonly generation: number;
  readonly gateways: readonly Gateway[];
  readonly httpRoutes: readonly HTTPRoute[];
}

/**
 * Gateway API objects from the Kubernetes API or a manifest folder, behind one interface, so a
 * service never knows which. Tests can implement it with a plain object.
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

/** The Gateway API kinds a source serves. */
export const GATEWAY_KINDS = {
  gateways: { group: 'gateway.networking.k8s.io', version: 'v1', plural: 'gateways', kind: 'Gateway' },
  httproutes: { group: 'gateway.networking.k8s.io', version: 'v1', plural: 'httproutes', kind: 'HTTPRoute' },
} as const;

export type ResourceKind = (typeof GATEWAY_KINDS)[keyof typeof GATEWAY_KINDS];
