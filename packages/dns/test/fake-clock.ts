import type { Clock } from '../src/clock.ts';

/**
 * A clock that moves only when the test says: advance(ms) runs every timer that falls due, in
 * order, so a 10 s idle timeout is a function call, not a wait.
 */
export function fakeClock(start = 0) {
  let now = start;
  let seq = 0;
  const timers = new Map<number, { at: number; every: number; fn: () => void }>();
  const add = (at: number, every: number, fn: () => void) => {
    const id = seq++;
    timers.set(id, { at, every, fn });
    return () => {
      timers.delete(id);
    };
  };
  const clock: Clock = {
    now: () => now,
    after: (ms, fn) => add(now + ms, 0, fn),
    every: (ms, fn) => add(now + ms, ms, fn),
  };
  return {
    clock,
    now: () => now,
    /** Moves time forward by `ms`, firing what falls due on the way. */
    advance(ms: number) {
      const target = now + ms;
      for (;;) {
        const due = [...timers].filter(([, t]) => t.at <= target).sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        const [id, t] = due;
        now = Math.max(now, t.at);
        if (t.every > 0) t.at += t.every;
        else timers.delete(id);
        t.fn();
      }
      now = target;
    },
  };
}
