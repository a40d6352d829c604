import { type KubeObject, keyOf } from '../gateway-api/types.ts';

/** What a store operation changed. */
export interface StoreDelta {
  added: number;
  updated: number;
  deleted: number;
}

const NONE: StoreDelta = { added: 0, updated: 0, deleted: 0 };
const changed = (d: StoreDelta): boolean => d.added + d.updated + d.deleted > 0;

/**
 * The objects of one kind, keyed by `namespace/name`. An update with the same resourceVersion is
 * not a change (watch replays after a reconnect must not trigger rebuilds).
 */
export interface ObjectStore<T extends KubeObject = KubeObject> {
  upsert(obj: T): StoreDelta;
  remove(obj: KubeObject): StoreDelta;
  /** Makes the store hold exactly `items` (after a list): reconciles deletions missed meanwhile. */
  replace(items: readonly T[]): StoreDelta;
  list(): T[];
  readonly size: number;
}

export function createObjectStore<T extends KubeObject>(): ObjectStore<T> {
  const objects = new Map<string, T>();
  const upsert = (obj: T): StoreDelta => {
    const key = keyOf(obj);
    const old = objects.get(key);
    objects.set(key, obj);
    if (!old) return { ...NONE, added: 1 };
    return sameVersion(old, obj) ? NONE : { ...NONE, updated: 1 };
  };
  return {
    upsert,
    remove(obj) {
      return objects.delete(keyOf(obj)) ? { ...NONE, deleted: 1 } : NONE;
    },
    replace(items) {
      const keep = new Set(items.map(keyOf));
      let deleted = 0;
      for (const key of objects.keys()) {
        if (!keep.has(key)) {
          objects.delete(key);
          deleted += 1;
        }
      }
      const delta = { ...NONE, deleted };
      for (const item of items) {
        const d = upsert(item);
        delta.added += d.added;
        delta.updated += d.updated;
      }
      return delta;
    },
    list: () => [...objects.values()],
    get size() {
      return objects.size;
    },
  };
}

export { changed as hasChanges };

/** Same resourceVersion; objects from manifests have none, so their content is compared. */
function sameVersion(a: KubeObject, b: KubeObject): boolean {
  const rv = b.metadata.resourceVersion;
  if (rv !== undefined) return rv === a.metadata.resourceVersion;
  return a.metadata.resourceVersion === undefined && JSON.stringify(a) === JSON.stringify(b);
}
