/**
 * Polls `check` until it returns a truthy value or `timeoutMs` passes, then throws with `what`.
 * For waiting on things that happen in other processes or on timers; never a timing assertion.
 */
export declare function waitFor<T>(
  what: string,
  check: () => T | Promise<T>,
  {
    timeoutMs,
    intervalMs,
  }?: {
    intervalMs?: number | undefined;
    timeoutMs?: number | undefined;
  },
): Promise<NonNullable<T>>;
