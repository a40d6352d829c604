import { manualClock } from '@horizon/test/harness';
import { describe, expect, it } from 'vitest';
import { createCache } from '../../src/handlers/cache.ts';
import { CACHE_DEFAULTS, q, reply, ttlOf } from '../replies.ts';

describe('serve-stale (RFC 8767)', () => {
  /** A cache with a fake clock and an upstream whose replies the test hands out one by one. */
  const setup = (down = false) => {
    const time = manualClock();
    const pending: ((r: Buffer) => void)[] = [];
    let calls = 0;
    const cache = createCache({
      ...CACHE_DEFAULTS,
      staleSeconds: 3600,
      clock: time,
      upstreamsDown: () => down,
    });
    const next = () => {
      calls += 1;
      return new Promise<Buffer>((resolve) => pending.push(resolve));
    };
    const ask = () => cache(q('a.example.org'), next);
    return { time, pending, ask, calls: () => calls };
  };
  /** Fills the cache with a 60 s answer, then lets it expire. */
  const expired = async (s: ReturnType<typeof setup>) => {
    const first = s.ask();
    s.pending.shift()?.(reply('a.example.org', 0, 60));
    await first;
    s.time.advance(61_000);
  };

  it('answers stale when the refresh has not answered within staleReplyMs, and keeps the refresh', async () => {
    const s = setup();
    await expired(s);
    const answer = s.ask();
    expect(answer).toBeInstanceOf(Promise);
    s.time.advance(1800); // the client-response timer, not the upstream's timeout
    expect(ttlOf((await answer) as Buffer)).toBe(30);
    s.pending.shift()?.(reply('a.example.org', 0, 120)); // the refresh lands later
    await new Promise((r) => setImmediate(r));
    expect(ttlOf((await s.ask()) as Buffer)).toBe(120); // a fresh hit
    expect(s.calls()).toBe(2);
  });

  it('answers stale at once while every upstream is down, refreshing in the background', async () => {
    const s = setup(true);
    await expired(s);
    const answer = s.ask();
    expect(answer).toBeInstanceOf(Buffer); // no wait at all
    expect(ttlOf(answer as Buffer)).toBe(30);
    expect(s.calls()).toBe(2); // the refresh went out, to probe the upstreams
  });

  it('after a failed refresh, answers stale at once for 30 s without asking again', async () => {
    const s = setup();
    await expired(s);
    const answer = s.ask();
    s.pending.shift()?.(reply('a.example.org', 2)); // SERVFAIL: every upstream failed
    expect(ttlOf((await answer) as Buffer)).toBe(30);
    expect(ttlOf(s.ask() as Buffer)).toBe(30);
    expect(s.calls()).toBe(2);
    s.time.advance(30_001);
    void s.ask();
    expect(s.calls()).toBe(3);
  });
});
