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

/** A clock that moves only when the test says so. */
export interface ManualClock extends Clock {
  /** Moves time forward and resolves every delay that is due by then. */
  advance(ms: number): void;
  /** Delays still waiting: a test waits for its loops to be parked before it moves time. */
  waiting(): number;
}

/**
 * For tests of retry loops and staleness: `delay` parks until {@link ManualClock.advance} passes
 * its deadline (or its signal aborts), so 30 s of outage take as long as the loops' own work.
 */
export function manualClock(start = 1_000_000): ManualClock {
  let now = start;
  const parked = new Set<{ due: number; wake: () => void }>();
  return {
    now: () => now,
    delay(ms, signal) {
      return new Promise<void>((resolve) => {
        if (signal?.aborted) return resolve();
        const entry = {
          due: now + ms,
          wake: () => {
            parked.delete(entry);
            signal?.removeEventListener('abort', entry.wake);
            resolve();
          },
        };
        parked.add(entry);
        signal?.addEventListener('abort', entry.wake, { once: true });
      });
    },
    advance(ms) {
      now += ms;
      for (const entry of [...parked]) if (entry.due <= now) entry.wake();
    },
    waiting: () => parked.size,
  };
}
