import { manualClock } from '@horizon/shared';
import { describe, expect, it } from 'vitest';
import { sessionCounter } from '../../src/status/status.ts';

describe("the auth page's session count", () => {
  it('is one count of the store however many views ask while it runs (each was a SCAN walk of its own)', async () => {
    let counts = 0;
    let answer: ((n: { count: number; more: boolean }) => void) | undefined;
    const counter = sessionCounter(
      {
        count: () => {
          counts += 1;
          return new Promise((resolve) => {
            answer = resolve;
          });
        },
      },
      manualClock(),
    );
    const views = Array.from({ length: 50 }, () => counter());
    answer?.({ count: 3, more: false });
    expect(await Promise.all(views)).toEqual(Array(50).fill('3'));
    expect(counts).toBe(1);
  });

  it('a store that cannot count leaves the card out, and is asked again 30 s later', async () => {
    const clock = manualClock();
    let counts = 0;
    const counter = sessionCounter(
      {
        count: () => {
          counts += 1;
          return Promise.reject(new Error('store down'));
        },
      },
      clock,
    );
    expect(await Promise.all([counter(), counter()])).toEqual([undefined, undefined]);
    expect(counts).toBe(1);
    clock.advance(30_000);
    expect(await counter()).toBeUndefined();
    expect(counts).toBe(2);
  });
});
