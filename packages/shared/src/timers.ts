import type { Clock } from './clock.ts';

// Timers on a Clock (now + delay), so that tests drive them with a manual clock: in DNS, an
// upstream deadline, the stale-answer timer and the TCP deadline sweep; anything of either service
// that waits once or repeats.

// The reason a timer is cancelled with: without one, abort() builds a DOMException with a stack
// trace, measured at 7% of the CPU of DNS's forward path (one cancelled deadline per upstream query).
const CANCELLED = Symbol('cancelled');

/** Runs `fn` once, `ms` from now on `clock`; the returned function cancels it. */
export function after(clock: Clock, ms: number, fn: () => void): () => void {
  const cancel = new AbortController();
  void clock.delay(ms, cancel.signal).then(() => {
    if (!cancel.signal.aborted) fn();
  });
  return () => cancel.abort(CANCELLED);
}

/** Runs `fn` every `ms` on `clock` until the returned function is called. */
export function every(clock: Clock, ms: number, fn: () => void): () => void {
  const stop = new AbortController();
  void (async () => {
    while (!stop.signal.aborted) {
      await clock.delay(ms, stop.signal);
      if (!stop.signal.aborted) fn();
    }
  })();
  return () => stop.abort(CANCELLED);
}
