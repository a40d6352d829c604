/**
 * Answers written to TCP clients and not yet taken by them, across every connection (unbound's
 * `stream-wait-size`). A client that reads nothing stops being read (connection.ts), so it can only
 * hold the answers already in its pipeline; this bounds what all of them together can hold.
 */
export interface UnsentBudget<T> {
  /** Records that `owner` now holds `bytes` unsent; false when all owners together exceed the limit. */
  charge(owner: T, bytes: number): boolean;
  /** Forgets `owner` (its connection closed). */
  release(owner: T): void;
  /** The owner holding the most, to close first when the budget is exceeded. */
  largest(): T | undefined;
  /** Bytes held by all owners. */
  total(): number;
}

export function createUnsentBudget<T>(limit: number): UnsentBudget<T> {
  const held = new Map<T, number>();
  let total = 0;
  return {
    charge(owner, bytes) {
      const before = held.get(owner) ?? 0;
      if (bytes !== before) {
        total += bytes - before;
        if (bytes === 0) held.delete(owner);
        else held.set(owner, bytes);
      }
      return total <= limit;
    },
    release(owner) {
      total -= held.get(owner) ?? 0;
      held.delete(owner);
    },
    largest() {
      let most: T | undefined;
      let bytes = 0;
      for (const [owner, n] of held) {
        if (n > bytes) {
          bytes = n;
          most = owner;
        }
      }
      return most;
    },
    total: () => total,
  };
}
