import { describe, expect, it } from 'vitest';
import { cacheSessions } from '../../src/session/cache.ts';
import type { Invalidated, Invalidation } from '../../src/session/invalidation.ts';
import type { Session, SessionStore } from '../../src/session/types.ts';
import { NOW, session as signedIn } from '../fixtures.ts';

/** A session read 10 s ago, named after its user. */
const session = (sid: string): Session =>
  signedIn({ sid, sub: `u-${sid}`, user: sid, createdAt: NOW - 10, renewedAt: NOW - 10 });

describe('the verified-session cache', () => {
  const fakeStore = (sessions: Record<string, Session>) => {
    const reads: string[] = [];
    const store: SessionStore = {
      create: async () => '',
      read: (value) => {
        reads.push(value);
        return sessions[value];
      },
      renew: () => undefined,
      revoke: async () => undefined,
      close: async () => undefined,
    };
    return { store, reads };
  };
  const lifetimes = { idleSeconds: 3600, absoluteSeconds: 7200 };
  const tail = 'T'.repeat(32);
  const a = `${'a'.repeat(100)}${tail}`;
  const b = `${'b'.repeat(100)}${tail}`; // same last 32 characters: same map key

  it('answers a known value from memory and never mixes two values that share a tail', () => {
    const { store, reads } = fakeStore({ [a]: session('alice'), [b]: session('bob') });
    const cached = cacheSessions(store, { ...lifetimes, size: 10, ttlSeconds: 60 });
    expect((cached.read(a, NOW) as Session).sid).toBe('alice');
    expect((cached.read(a, NOW) as Session).sid).toBe('alice');
    expect(reads).toEqual([a]);
    expect((cached.read(b, NOW) as Session).sid).toBe('bob'); // a miss, read from the store
    expect((cached.read(a, NOW) as Session).sid).toBe('alice');
    expect(reads).toEqual([a, b, a]);
    expect(cached.read(`x${a}`, NOW)).toBeUndefined(); // unknown to the store
  });

  it('asks the store again after ttlSeconds and forgets expired sessions', () => {
    const { store, reads } = fakeStore({ [a]: session('alice') });
    const cached = cacheSessions(store, { ...lifetimes, size: 10, ttlSeconds: 60 });
    cached.read(a, NOW);
    cached.read(a, NOW + 59);
    expect(reads).toHaveLength(1);
    cached.read(a, NOW + 60);
    expect(reads).toHaveLength(2);
    // renewedAt is NOW - 10: with 65 s of idle lifetime the session ends at NOW + 55.
    const short = cacheSessions(store, { idleSeconds: 65, absoluteSeconds: 7200, size: 10, ttlSeconds: 60 });
    expect(short.read(a, NOW + 54)).toEqual(session('alice'));
    expect(short.read(a, NOW + 55)).toBeUndefined();
    expect(reads).toHaveLength(3); // the expiry was decided from memory
  });

  it('drops what a revocation names at once, everything after a lost subscription, and trusts nothing while it is lost', () => {
    const [a, b] = ['a'.repeat(100), 'b'.repeat(100)]; // tails of their own
    const { store, reads } = fakeStore({ [a]: session('alice'), [b]: session('bob') });
    let listener: (what: Invalidated | 'everything') => void = () => undefined;
    let listening = true;
    const invalidation: Invalidation = {
      publish: async () => undefined,
      on: (l) => {
        listener = l;
      },
      listening: () => listening,
      close: () => undefined,
    };
    const cached = cacheSessions(store, { ...lifetimes, size: 10, ttlSeconds: 60 }, invalidation);
    const readBoth = () => [cached.read(a, NOW), cached.read(b, NOW)];
    readBoth();
    readBoth();
    expect(reads).toHaveLength(2);
    listener({ kind: 'session', id: 'alice' });
    readBoth();
    expect(reads).toEqual([a, b, a]);
    listener({ kind: 'user', id: 'u-bob' });
    readBoth();
    expect(reads).toEqual([a, b, a, b]);
    listening = false;
    readBoth();
    expect(reads).toEqual([a, b, a, b, a, b]);
    listening = true;
    listener('everything');
    readBoth();
    expect(reads).toHaveLength(8);
  });
});
