/**
 * The last `size` events of a kind (denials, SERVFAIL answers) for a status page: a fixed ring,
 * so a flood of them costs a slot each and never grows memory. Newest first when read.
 */
export interface Recent<T> {
  add(item: T): void;
  /** Newest first. */
  list(): T[];
  /** Everything added since start, kept or overwritten. */
  readonly total: number;
}

export function createRecent<T>(size: number): Recent<T> {
  if (!Number.isInteger(size) || size < 1)
    throw new Error(`createRecent: size ${size} is not a positive integer`);
  const ring: T[] = [];
  let next = 0;
  let total = 0;
  return {
    add(item) {
      ring[next] = item;
      next = (next + 1) % size;
      total += 1;
    },
    list() {
      const out: T[] = [];
      for (let i = 1; i <= ring.length; i += 1) out.push(ring[(next - i + size) % size] as T);
      return out;
    },
    get total() {
      return total;
    },
  };
}
