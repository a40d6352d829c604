import { createMetricsRegistry, manualClock } from '@horizon/shared';
import { describe, expect, it } from 'vitest';
import { createCache, setupCache } from '../../src/handlers/cache.ts';
import type { ChainDeps } from '../../src/handlers/types.ts';
import type { Exchanger } from '../../src/upstream/exchange.ts';
import { createUpstreams } from '../../src/upstream/upstreams.ts';
import type { Query } from '../../src/wire/query.ts';
import { logger, metricValue, testConfig } from '../basics.ts';
import { CACHE_DEFAULTS, q, reply, ttlOf } from '../replies.ts';

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

  it('bounds the bytes it holds: big answers push the least recently used out, whatever the entry count', async () => {
    let calls = 0;
    const big = (name: string) => {
      const r = reply(name, 0, 60);
      return Buffer.concat([r, Buffer.alloc(60_000)]); // 60 KB of trailing bytes: ARCOUNT 0, ignored
    };
    const cache = createCache({ ...CACHE_DEFAULTS, size: 10_000, maxBytes: 200_000, prefetchHits: 0 });
    const ask = (name: string) =>
      cache(q(name), (query) => {
        calls += 1;
        return big(query.name);
      });
    for (const name of ['a.example.org', 'b.example.org', 'c.example.org', 'd.example.org']) await ask(name);
    expect(calls).toBe(4);
    await ask('d.example.org'); // the newest three fit in 200 KB: a hit
    expect(calls).toBe(4);
    await ask('a.example.org'); // the oldest went to make room: asked again
    expect(calls).toBe(5);
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

describe('the cache in the chain (setupCache)', () => {
  /** The cache as the service sets it up, and its miss count. */
  const cacheOf = (overrides: Record<string, unknown>) => {
    const parts = {
      settings: testConfig(overrides),
      registry: createMetricsRegistry('dns'),
      clock: manualClock(),
    };
    const exchanger: Exchanger = {
      udp: async () => reply('x', 0),
      tcp: async () => reply('x', 0),
      tls: async () => reply('x', 0),
      close: () => undefined,
    };
    const upstreams = createUpstreams({ ...parts, logger, exchanger });
    const cache = setupCache({ ...parts, upstreams, logger } as unknown as ChainDeps); // the parts a cache uses
    return { cache, misses: () => metricValue(parts.registry, 'horizon_dns_cache_misses_total') };
  };
  const refused = () => Buffer.from('refused');

  it('is not in the chain when nothing is forwarded: a REFUSED for want of upstreams is no cache miss', async () => {
    const { cache, misses } = cacheOf({});
    expect(cache(q('a.example.org'), refused)).toEqual(Buffer.from('refused'));
    expect(await misses()).toBe(0);
  });

  it('lets a query no upstream serves by uncounted, and caches the ones forwarded', async () => {
    const { cache, misses } = cacheOf({
      'zoneMiss.mode': 'forward',
      'zoneMiss.upstreams': ['127.0.0.1:5302'],
    });
    expect(cache(q('a.example.org'), refused)).toEqual(Buffer.from('refused')); // no general upstreams
    expect(await misses()).toBe(0);
    const zoneMiss = { ...q('gone.home.example.com'), zoneMiss: true as const };
    let asked = 0;
    const upstream = () => {
      asked += 1;
      return reply('gone.home.example.com', 0, 60);
    };
    await cache(zoneMiss, upstream);
    await cache(zoneMiss, upstream);
    expect([asked, await misses()]).toEqual([1, 1]);
  });
});
