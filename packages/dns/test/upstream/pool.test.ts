import { describe, expect, it } from 'vitest';
import type { Exchanger } from '../../src/upstream/exchange.ts';
import { createUpstreamPool } from '../../src/upstream/pool.ts';
import { isTruncated } from '../../src/wire/message.ts';
import { q, reply } from '../replies.ts';

describe('upstream pool', () => {
  /** A fake exchanger: behaviour per upstream port; records the calls. */
  function fake(behaviour: Record<number, 'ok' | 'timeout' | 'servfail' | 'refused' | 'tc'>) {
    const calls: string[] = [];
    const answer = async (transport: string, port: number) => {
      calls.push(`${transport}:${port}`);
      const b = behaviour[port];
      if (b === 'timeout') throw Object.assign(new Error('timeout'), { code: 'E_UPSTREAM_TIMEOUT' });
      if (b === 'servfail') return reply('a.example.org', 2);
      if (b === 'refused') return reply('a.example.org', 5);
      if (b === 'tc') return reply('a.example.org', 0, 60, undefined, 0x8380);
      return reply('a.example.org', 0, 60);
    };
    const ex: Exchanger = {
      udp: (_h, port) => answer('udp', port),
      tls: (u) => answer('tls', u.port),
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
  /** A pool of the three upstreams over `exchanger`: sequential, 3 failures before down, unless told otherwise. */
  const poolOf = (exchanger: Exchanger, o: Partial<Parameters<typeof createUpstreamPool>[0]> = {}) =>
    createUpstreamPool({
      servers,
      policy: 'sequential',
      timeoutMs: 10,
      failuresBeforeDown: 3,
      exchanger,
      ...o,
    });

  it('fails over on timeout and SERVFAIL, and retries a truncated answer over TCP', async () => {
    const f = fake({ 1: 'timeout', 2: 'servfail', 3: 'tc' });
    const pool = poolOf(f.ex);
    const r = await pool.exchange(query);
    expect((r[3] ?? 0) & 0xf).toBe(0);
    expect(f.calls).toEqual(['udp:1', 'udp:2', 'udp:3', 'tcp:3']);
  });

  it('asks a DoT upstream over TLS only (a stream: no TCP retry of TC), with the same fail-over, and labels it tls://', async () => {
    const f = fake({ 1: 'servfail', 2: 'tc', 3: 'ok' });
    const pool = poolOf(f.ex, {
      servers: [
        { host: '127.0.0.1', port: 1, tls: { name: 'dot.test' } },
        { host: '127.0.0.1', port: 2, tls: { name: undefined } },
        { host: '::1', port: 3 },
      ],
    });
    const r = await pool.exchange(query);
    expect(isTruncated(r)).toBe(true); // a TC bit over TLS is the upstream's answer, relayed as is
    expect(f.calls).toEqual(['tls:1', 'tls:2']);
    expect(pool.upstreams.map((u) => u.label)).toEqual(['tls://127.0.0.1:1', 'tls://127.0.0.1:2', '[::1]:3']);
  });

  it('marks an upstream down after N failures, puts it last, probes it every 2 s, and brings it back', async () => {
    const now = { t: 0 };
    const behaviour: Record<number, 'ok' | 'timeout'> = { 1: 'timeout', 2: 'ok', 3: 'ok' };
    const f = fake(behaviour);
    const pool = poolOf(f.ex, { failuresBeforeDown: 2, now: () => now.t });
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
    const rr = poolOf(f.ex, { policy: 'round_robin' });
    for (let i = 0; i < 6; i += 1) await rr.exchange(query);
    expect(f.calls).toEqual(['udp:1', 'udp:2', 'udp:3', 'udp:1', 'udp:2', 'udp:3']);
    f.calls.length = 0;
    let seed = 0;
    const random = poolOf(f.ex, {
      policy: 'random',
      random: () => {
        seed = (seed * 9301 + 49297) % 233280; // a fixed sequence: the test is repeatable
        return seed / 233280;
      },
    });
    for (let i = 0; i < 30; i += 1) await random.exchange(query);
    expect(new Set(f.calls).size).toBe(3);
  });
  it('reports each REFUSED, and an upstream going down and coming back up, once each time', async () => {
    const events: string[] = [];
    const now = { t: 0 };
    const behaviour: Record<number, 'ok' | 'refused'> = { 1: 'refused', 2: 'ok', 3: 'ok' };
    const f = fake(behaviour);
    const pool = poolOf(f.ex, {
      failuresBeforeDown: 2,
      now: () => now.t,
      onHealth: (u, event) => events.push(`${u.label} ${event}`),
    });
    for (let i = 0; i < 4; i += 1) await pool.exchange(query); // down after the second; not tried first after that
    now.t = 2500;
    behaviour[1] = 'ok';
    await pool.exchange(query); // the probe
    await pool.exchange(query);
    expect(events).toEqual([
      '127.0.0.1:1 refused',
      '127.0.0.1:1 refused',
      '127.0.0.1:1 down',
      '127.0.0.1:1 up',
    ]);
  });
});
