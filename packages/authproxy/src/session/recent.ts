/** A bounded map of recently used entries. */
export interface Recent<K, V> {
  get(key: K): V | undefined;
  set(key: K, value: V): void;
  delete(key: K): void;
  entries(): IterableIterator<[K, V]>;
}

/**
 * Two generations of plain Maps (the scheme of quick-lru and of many HTTP caches): a hit is one
 * Map lookup (two when it was used longer ago), with no list to relink and no options object to
 * read, which is what lru-cache's get costs on a path taken by every request. When the young
 * generation fills, it becomes the old one and the previous old one is dropped, so entries
 * used since the last turn survive and at most `max` are held.
 */
export function createRecent<K, V>(max: number): Recent<K, V> {
  const half = Math.max(1, Math.ceil(max / 2));
  let young = new Map<K, V>();
  let old = new Map<K, V>();

  const add = (key: K, value: V) => {
    young.set(key, value);
    if (young.size >= half) {
      old = young;
      young = new Map();
    }
  };

  return {
    get(key) {
      const hit = young.get(key);
      if (hit !== undefined) return hit;
      const aged = old.get(key);
      if (aged !== undefined) {
        old.delete(key);
        add(key, aged);
      }
      return aged;
    },
    set(key, value) {
      old.delete(key);
      if (young.has(key)) young.set(key, value);
      else add(key, value);
    },
    delete(key) {
      young.delete(key);
      old.delete(key);
    },
    *entries() {
      yield* young.entries();
      yield* old.entries();
    },
  };
}
