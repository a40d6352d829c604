import { describe, expect, it } from 'vitest';
import { expired } from '../../src/session/types.ts';
import { NOW, session } from '../fixtures.ts';

describe('session lifetimes', () => {
  const lifetimes = { idleSeconds: 100, absoluteSeconds: 1000 };
  it('end a session idle for idleSeconds, or absoluteSeconds after login, whichever comes first', () => {
    const s = session({ createdAt: NOW, renewedAt: NOW });
    expect([expired(s, lifetimes, NOW + 99), expired(s, lifetimes, NOW + 100)]).toEqual([false, true]);
    const used = session({ createdAt: NOW, renewedAt: NOW + 950 });
    expect([expired(used, lifetimes, NOW + 999), expired(used, lifetimes, NOW + 1000)]).toEqual([
      false,
      true,
    ]);
  });
});
