/**
 * Answers written to TCP clients and not yet taken by them, across every connection (unbound's
 * `stream-wait-size`). A client that reads nothing stops being read (connection.ts), so it can only
 * hold the answers already in its pipeline; this bounds what all of them together can hold.
 */
export interface UnsentBudget {
  /** Records that `owner` now holds `bytes` unsent; false when all owners together exceed the limit. */
  charge(owner: object, bytes: number): boolean;
  /** Forgets `owner` (its connection closed). */
  release(owner: object): void;
  /** Bytes held by all owners. */
  total(): number;
}

export function createUnsentBudget(limit: number): UnsentBudget {
  const held = new Map<object, number>();
  let total = 0;
  return {
    charge(owner, bytes) {
      const before = held.get(owner) ?? 0;
      if (bytes === before) return total <= limit;
      total += bytes - before;
      if (bytes === 0) held.delete(owner);
      else held.set(owner, bytes);
      return total <= limit;
    },
    release(owner) {
      total -= held.get(owner) ?? 0;
      held.delete(owner);
    },
    total: () => total,
  };
}
