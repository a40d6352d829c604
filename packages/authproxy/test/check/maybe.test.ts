import { describe, expect, it } from 'vitest';
import { andThen } from '../../src/check/maybe.ts';

describe('a value now or later', () => {
  it('chains a value now without a promise, and one later after it', async () => {
    expect(andThen(2, (v) => v + 1)).toBe(3);
    const later = andThen(Promise.resolve(2), (v) => v + 1);
    expect(later).toBeInstanceOf(Promise);
    expect(await later).toBe(3);
    expect(await andThen(2, async (v) => v + 1)).toBe(3);
  });
});
