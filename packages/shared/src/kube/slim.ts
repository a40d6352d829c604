import type { KubeObject } from '../gateway-api/types.ts';

/** kubectl's copy of the whole object as last applied: Horizon never reads it. */
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * An object from the API without what only the API server's bookkeeping needs: `managedFields`
 * (server-side apply, which Flux uses, records every field's owner: often larger than the object)
 * and kubectl's last-applied annotation (a second copy of it). Dropped as each object arrives, as
 * client-go's informers do with a transform, so the watcher holds what Horizon reads and no more.
 * A copy: the object as received is left as it was.
 */
export function slim<T extends KubeObject>(object: T): T {
  const { managedFields, ...metadata } = object.metadata as T['metadata'] & { managedFields?: unknown };
  const annotations = metadata.annotations;
  if (managedFields === undefined && (annotations === undefined || !(LAST_APPLIED in annotations)))
    return object;
  if (annotations && LAST_APPLIED in annotations) {
    const { [LAST_APPLIED]: _dropped, ...rest } = annotations;
    metadata.annotations = rest;
  }
  return { ...object, metadata };
}
