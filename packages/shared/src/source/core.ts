import type { Gateway, HTTPRoute } from '../gateway-api/types.ts';
import type { Logger } from '../log.ts';
import type { SourceMetrics } from './metrics.ts';
import { createNotifier } from './notifier.ts';
import { createObjectStore, type ObjectStore } from './store.ts';
import type { GatewayApiSnapshot } from './types.ts';

/** The stores, snapshot and change notification that every source has in common. */
export interface SourceCore {
  gateways: ObjectStore<Gateway>;
  httpRoutes: ObjectStore<HTTPRoute>;
  /** Records that a store changed: bumps the generation at the next snapshot, notifies later. */
  changed(): void;
  snapshot(): GatewayApiSnapshot;
  onChange(listener: (snapshot: GatewayApiSnapshot) => void): () => void;
  /** Drops a pending notification. */
  cancel(): void;
}

export function createSourceCore(options: {
  debounceMs: number;
  logger: Logger;
  metrics?: SourceMetrics | undefined;
}): SourceCore {
  const gateways = createObjectStore<Gateway>();
  const httpRoutes = createObjectStore<HTTPRoute>();
  let current: GatewayApiSnapshot = { generation: 0, gateways: [], httpRoutes: [] };
  let dirty = false;

  // Snapshots are built lazily and at most once per change, never per read.
  const snapshot = (): GatewayApiSnapshot => {
    if (dirty) {
      dirty = false;
      current = Object.freeze({
        generation: current.generation + 1,
        gateways: Object.freeze(gateways.list()),
        httpRoutes: Object.freeze(httpRoutes.list()),
      });
    }
    return current;
  };
  const notifier = createNotifier({
    debounceMs: options.debounceMs,
    produce: snapshot,
    logger: options.logger,
    onListenerError: () => options.metrics?.listenerErrors.inc(),
  });
  return {
    gateways,
    httpRoutes,
    changed() {
      dirty = true;
      notifier.schedule();
    },
    snapshot,
    onChange: (listener) => notifier.subscribe(listener),
    cancel: () => notifier.cancel(),
  };
}
