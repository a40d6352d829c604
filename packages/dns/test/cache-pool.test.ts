import { manualClock } from '@horizon/test/harness';
import { describe, expect, it } from 'vitest';
import { createCache } from '../src/handlers/cache.ts';
import type { Exchanger } from '../src/upstream/exchange.ts';
import { createUpstreamPool } from '../src/upstream/pool.ts';
import { TYPE } from '../src/wire/constants.ts';
import { encodeName } from '../src/wire/name.ts';
import { parseQuery, type Query } from '../src/wire/query.ts';
import { record, soaRdata } from '../src/wire/records.ts';

const question = (name: string) => Buffer.concat([encodeName(name), Buffer.from([0, 1, 0, 1])]);
function q(name: string, id = 7): Query {
  const p = parseQuery(
    Buffer.concat([Buffer.from([0, id, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]), question(name)]),
    { address: '127.0.0.1', port: 1 },
    'udp',
  );
  if ('kind' in p) throw new Error('bad');
  return p;
}
/** A reply message: rcode, answers with `ttl`, optionally an authority SOA with MINIMUM `minimum`. */
function reply(
  name: string,
  rcode: number,
  answerTtl?: number,
  soa?: { ttl: number; minimum: number },
  flags = 0x8180,
): Buffer {
  const answers =
    answerTtl === undefined ? [] : [record('question', TYPE.A, answerTtl, Buffer.from([10, 0, 0, 1]))];
  const authority = soa
    ? [
        record(
          'example.org',
          TYPE.SOA,
          soa.ttl,
          soaRdata({
            mname: 'ns.example.org',
            rname: 'h.example.org',
            serial: 1,
            refresh: 1,
            retry: 1,
            expire: 1,
            minimum: soa.minimum,
          }),
        ),
      ]
    : [];
  const header = Buffer.from([
    0,
    7,
    (flags >> 8) & 0xff,
    (flags & 0xf0) | rcode,
    0,
    1,
    0,
    answers.length,
    0,
    authority.length,
    0,
    0,
  ]);
  return Buffer.concat([header, question(name), ...answers, ...authority]);
}
const ttlOf = (m: Buffer) => m.readUInt32BE(12 + question('a.example.org').length + 6);
/** The config's cache defaults, stale answers and prefetch off unless a test turns them on. */
const DEFAULTS = {
  size: 100,
  minTtl: 0,
  maxTtl: 86400,
  servfailTtl: 5,
  staleSeconds: 0,
  staleReplyMs: 1800,
  prefetchHits: 0,
};

describe('cache', () => {
  const make = (now: { t: number }, upstream: (query: Query) => Buffer) => {
    let calls = 0;
    const cache = createCache({
      ...DEFAULTS,
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

describe('serve-stale (RFC 8767)', () => {
  /** A cache with a fake clock and an upstream whose replies the test hands out one by one. */
  const setup = (down = false) => {
    const time = manualClock();
    const pending: ((r: Buffer) => void)[] = [];
    let calls = 0;
    const cache = createCache({
      ...DEFAULTS,
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
