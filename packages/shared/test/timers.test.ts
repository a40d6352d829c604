import { describe, expect, it } from 'vitest';
import { manualClock } from '../src/clock.ts';
import { after, every } from '../src/timers.ts';

/** Lets the promise callbacks a clock move resolved run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('after', () => {
  it('runs once when its time comes, not before', async () => {
    const clock = manualClock();
    const runs: number[] = [];
    after(clock, 100, () => runs.push(clock.now()));
    clock.advance(99);
    await settle();
    expect(runs).toEqual([]);
    clock.advance(1);
    await settle();
    clock.advance(1000);
    await settle();
    expect(runs).toEqual([1_000_100]);
  });

  it('never runs once cancelled, and leaves nothing parked on the clock', async () => {
    const clock = manualClock();
    let ran = false;
    const cancel = after(clock, 100, () => {
      ran = true;
    });
    expect(clock.waiting()).toBe(1);
    cancel();
    expect(clock.waiting()).toBe(0);
    clock.advance(1000);
    await settle();
    expect(ran).toBe(false);
  });
});

describe('every', () => {
  it('runs at each interval until stopped', async () => {
    const clock = manualClock();
    let runs = 0;
    const stop = every(clock, 10, () => {
      runs += 1;
    });
    for (let i = 0; i < 3; i += 1) {
      clock.advance(10);
      await settle();
    }
    expect(runs).toBe(3);
    stop();
    await settle();
    expect(clock.waiting()).toBe(0);
    clock.advance(100);
    await settle();
    expect(runs).toBe(3);
  });
});
