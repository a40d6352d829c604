import type { KubeObject } from '../gateway-api/types.ts';
import type { Logger } from '../log.ts';
import { KINDS, type KindName } from './kinds.ts';
import type { SourceMetrics } from './metrics.ts';
import { createNotifier } from './notifier.ts';
import { createObjectStore, type ObjectStore } from './store.ts';
import { type GatewayApiSnapshot, SNAPSHOT_FIELD, snapshotOf } from './types.ts';

/** The stores, snapshot and change notification that every source has in common. */
export interface SourceCore {
  /** One store per watched kind. */
  stores: ReadonlyMap<KindName, ObjectStore>;
  /** Records that a store changed: bumps the generation at the next snapshot, notifies later. */
  changed(): void;
  snapshot(): GatewayApiSnapshot;
  onChange(listener: (snapshot: GatewayApiSnapshot) => void): () => void;
  /** Drops a pending notification. */
  cancel(): void;
}

export function createSourceCore(options: {
  kinds: readonly KindName[];
  debounceMs: number;
  logger: Logger;
  metrics?: SourceMetrics | undefined;
}): SourceCore {
  const stores = new Map<KindName, ObjectStore>(
    options.kinds.map((k) => [k, createObjectStore<KubeObject>()]),
  );
  let current: GatewayApiSnapshot = snapshotOf(0);
  let dirty = false;

  // Snapshots are built lazily and at most once per change, never per read.
  const snapshot = (): GatewayApiSnapshot => {
    if (dirty) {
      dirty = false;
      const parts: Record<string, KubeObject[]> = {};
      for (const [kind, store] of stores) parts[SNAPSHOT_FIELD[kind]] = store.list();
      current = snapshotOf(current.generation + 1, parts);
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
    stores,
    changed() {
      dirty = true;
      notifier.schedule();
    },
    snapshot,
    onChange: (listener) => notifier.subscribe(listener),
    cancel: () => notifier.cancel(),
  };
}

/** True when `o` is an object of `kind` (its apiVersion's group and its kind match). */
export function isOfKind(o: KubeObject, kind: KindName): boolean {
  const k = KINDS[kind];
  const group = (o.apiVersion ?? '').includes('/') ? (o.apiVersion ?? '').split('/')[0] : '';
  return o.kind === k.kind && group === k.group;
}
