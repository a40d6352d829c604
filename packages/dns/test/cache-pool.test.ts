import { describe, expect, it } from 'vitest';
import { createCache } from '../src/handlers/cache.ts';
import type { Exchanger } from '../src/upstream/exchange.ts';
import { createUpstreamPool } from '../src/upstream/pool.ts';
import type { Query } from '../src/wire/query.ts';
import { CACHE_DEFAULTS, q, reply, ttlOf } from './replies.ts';

describe('cache', () => {
  const make = (now: { t: number }, upstream: (query: Query) => Buffer) => {
    let calls = 0;
    const cache = createCache({
      ...CACHE_DEFAULTS,
      prefetchHits: 3,
      clock: { now: () => now.t * 1000, delay: () => new Promise<void>(() => undefined) },
    });
    const next = (query: Query) => {
      calls += 1;
      return upstream(query);
    };
    return {
      ask: async (name: string, id = 7) => (await cache(q(name, id), next)) as Buffer,
      calls: () => calls,
    };
  };

  /** Asks for a.example.org at each time in turn; the upstream call count after each ask. */
  const callsAt = async (c: ReturnType<typeof make>, clock: { t: number }, times: number[]) => {
    const counts: number[] = [];
    for (const t of times) {
      clock.t = t;
      await c.ask('a.example.org');
      counts.push(c.calls());
    }
    return counts;
  };

  it('counts TTLs down, sets the client ID, and refetches after expiry', async () => {
    const now = { t: 1000 };
    const c = make(now, () => reply('a.example.org', 0, 60));
    expect(ttlOf(await c.ask('a.example.org'))).toBe(60);
    now.t += 25;
    const hit = await c.ask('a.example.org', 9);
    expect(ttlOf(hit)).toBe(35);
    expect(hit.readUInt16BE(0)).toBe(9);
    expect(c.calls()).toBe(1);
    now.t += 40;
    await c.ask('a.example.org');
    expect(c.calls()).toBe(2);
  });

  it('caches NXDOMAIN and NODATA for min(SOA TTL, MINIMUM), not without a SOA, and SERVFAIL 5 s at most', async () => {
    const now = { t: 0 };
    const nx = make(now, () => reply('a.example.org', 3, undefined, { ttl: 3600, minimum: 20 }));
    expect(await callsAt(nx, now, [0, 19, 21])).toEqual([1, 1, 2]);
    const bare = make({ t: 0 }, () => reply('a.example.org', 0));
    expect(await callsAt(bare, { t: 0 }, [0, 0])).toEqual([1, 2]); // NODATA without SOA: not cached (RFC 2308 §5)
    const sf = { t: 0 };
    const fail = make(sf, () => reply('a.example.org', 2));
    expect(await callsAt(fail, sf, [0, 4, 6])).toEqual([1, 1, 2]);
  });

  it('refreshes a popular entry shortly before it expires, before anyone misses', async () => {
    const now = { t: 0 };
    const c = make(now, () => reply('a.example.org', 0, 100));
    await c.ask('a.example.org');
    now.t = 95; // 5% of the TTL left
    for (let i = 0; i < 3; i += 1) await c.ask('a.example.org');
    await new Promise((r) => setImmediate(r));
    expect(c.calls()).toBe(2); // the prefetch
    now.t = 150; // past the first expiry, within the refreshed one
    await c.ask('a.example.org');
    expect(c.calls()).toBe(2);
  });
});

describe('upstream pool', () => {
  /** A fake exchanger: behaviour per upstream port; records the calls. */
  function fake(behaviour: Record<number, 'ok' | 'timeout' | 'servfail' | 'tc'>) {
    const calls: string[] = [];
    const ex: Exchanger = {
      udp: async (_h, port) => {
        calls.push(`udp:${port}`);
        const b = behaviour[port];
        if (b === 'timeout') throw Object.assign(new Error('timeout'), { code: 'E_UPSTREAM_TIMEOUT' });
        if (b === 'servfail') return reply('a.example.org', 2);
        if (b === 'tc') return reply('a.example.org', 0, 60, undefined, 0x8380);
        return reply('a.example.org', 0, 60);
      },
      tcp: async (_h, port) => {
        calls.push(`tcp:${port}`);
        return reply('a.example.org', 0, 60);
      },
      close: () => undefined,
    };
    return { ex, calls };
  }
  const servers = [1, 2, 3].map((port) => ({ host: '127.0.0.1', port }));
  const query = q('a.example.org').raw;

  it('fails over on timeout and SERVFAIL, and retries a truncated answer over TCP', async () => {
    const f = fake({ 1: 'timeout', 2: 'servfail', 3: 'tc' });
    const pool = createUpstreamPool({
      servers,
      policy: 'sequential',
      timeoutMs: 10,
      failuresBeforeDown: 3,
      exchanger: f.ex,
    });
    const r = await pool.exchange(query);
    expect((r[3] ?? 0) & 0xf).toBe(0);
    expect(f.calls).toEqual(['udp:1', 'udp:2', 'udp:3', 'tcp:3']);
  });

  it('marks an upstream down after N failures, puts it last, probes it every 2 s, and brings it back', async () => {
    const now = { t: 0 };
    const behaviour: Record<number, 'ok' | 'timeout'> = { 1: 'timeout', 2: 'ok', 3: 'ok' };
    const f = fake(behaviour);
    const pool = createUpstreamPool({
      servers,
      policy: 'sequential',
      timeoutMs: 10,
      failuresBeforeDown: 2,
      exchanger: f.ex,
      now: () => now.t,
    });
    await pool.exchange(query);
    await pool.exchange(query);
    expect(pool.upstreams[0]?.down).toBe(true);
    f.calls.length = 0;
    await pool.exchange(query);
    expect(f.calls).toEqual(['udp:2']); // down: not tried first
    now.t = 2500; // probe time: one live query tries it first
    behaviour[1] = 'ok';
    f.calls.length = 0;
    await pool.exchange(query);
    expect(f.calls).toEqual(['udp:1']);
    expect(pool.upstreams[0]?.down).toBe(false);
  });

  it('spreads queries with round_robin and random', async () => {
    const f = fake({ 1: 'ok', 2: 'ok', 3: 'ok' });
    const rr = createUpstreamPool({
      servers,
      policy: 'round_robin',
      timeoutMs: 10,
      failuresBeforeDown: 3,
      exchanger: f.ex,
    });
    for (let i = 0; i < 6; i += 1) await rr.exchange(query);
    expect(f.calls).toEqual(['udp:1', 'udp:2', 'udp:3', 'udp:1', 'udp:2', 'udp:3']);
    f.calls.length = 0;
    let seed = 0;
    const random = createUpstreamPool({
      servers,
      policy: 'random',
      timeoutMs: 10,
      failuresBeforeDown: 3,
      exchanger: f.ex,
      random: () => {
        seed = (seed * 9301 + 49297) % 233280; // a fixed sequence: the test is repeatable
        return seed / 233280;
      },
    });
    for (let i = 0; i < 30; i += 1) await random.exchange(query);
    expect(new Set(f.calls).size).toBe(3);
  });
});
