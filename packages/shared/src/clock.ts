/**
 * Time as components read it, passed in through options so that a test can run a 30 s outage in
 * milliseconds (a manual clock) while production reads the system's (CoreDNS's cache takes
 * `now func()` for the same reason).
 */
export interface Clock {
  /** Milliseconds on a monotonic scale (only differences mean anything). */
  now(): number;
  /** Resolves after `ms`, or at once when `signal` aborts; never rejects. */
  delay(ms: number, signal?: AbortSignal): Promise<void>;
}

/** Waits `ms`, or less if `signal` aborts; never rejects. */
function abortableDelay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** The system's clock: `performance.now()` and real timers. */
export const systemClock: Clock = { now: () => performance.now(), delay: abortableDelay };
