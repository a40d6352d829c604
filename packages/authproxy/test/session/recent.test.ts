import { describe, expect, it } from 'vitest';
import { createRecent } from '../../src/session/recent.ts';

describe('the bounded map of recent sessions', () => {
  it('never holds more than max entries, and keeps the ones used since the last turn', () => {
    const recent = createRecent<number, string>(10);
    for (let i = 0; i < 1000; i += 1) {
      recent.set(i, `v${i}`);
      recent.get(0); // used all along: must survive every turn
      expect([...recent.entries()].length).toBeLessThanOrEqual(10);
    }
    expect(recent.get(0)).toBe('v0');
    expect(recent.get(999)).toBe('v999');
    expect(recent.get(1)).toBeUndefined(); // not used since: gone
  });

  it('replaces, deletes, and lists each key once', () => {
    const recent = createRecent<string, number>(4);
    recent.set('a', 1);
    recent.set('b', 2); // young is full (max / 2): a and b age
    recent.set('a', 3); // an aged key set again moves back, not twice
    expect(recent.get('a')).toBe(3);
    expect([...recent.entries()].map(([k]) => k).sort()).toEqual(['a', 'b']);
    recent.delete('b');
    expect(recent.get('b')).toBeUndefined();
    expect([...recent.entries()]).toEqual([['a', 3]]);
  });
});
