import { createMetricsRegistry, manualClock } from '@horizon/shared';
import { describe, expect, it } from 'vitest';
import type { Exchanger } from '../../src/upstream/exchange.ts';
import type { UpstreamPool } from '../../src/upstream/pool.ts';
import { createUpstreams } from '../../src/upstream/upstreams.ts';
import { rcodeOf } from '../../src/wire/message.ts';
import { captureLogger, logger, testConfig } from '../basics.ts';
import { queryOf } from '../queries.ts';
import { reply } from '../replies.ts';

/** An exchanger that answers every query NOERROR and keeps where each went. */
function recordingExchanger() {
  const sentTo: string[] = [];
  let closed = false;
  const exchanger: Exchanger = {
    udp: async (host, port) => {
      sentTo.push(`${host}:${port}`);
      return reply('a.example.org', 0, 60);
    },
    tcp: async () => reply('a.example.org', 0, 60),
    tls: async (u) => {
      sentTo.push(`tls://${u.host}:${u.port}`);
      return reply('a.example.org', 0, 60);
    },
    close: () => {
      closed = true;
    },
  };
  return { exchanger, sentTo, closed: () => closed };
}

const upstreamsOf = (
  overrides: Record<string, unknown>,
  wrapZoneMiss?: Parameters<typeof createUpstreams>[0]['wrapZoneMiss'],
) => {
  const recorded = recordingExchanger();
  const upstreams = createUpstreams({
    settings: testConfig(overrides),
    registry: createMetricsRegistry('dns'),
    logger,
    clock: manualClock(),
    exchanger: recorded.exchanger,
    ...(wrapZoneMiss ? { wrapZoneMiss } : {}),
  });
  return { upstreams, ...recorded };
};

/** A wrapZoneMiss that records the wrappers it made. */
function recordingWrap() {
  const wrapped: unknown[] = [];
  const wrap = (pool: Parameters<NonNullable<Parameters<typeof createUpstreams>[0]['wrapZoneMiss']>>[0]) => {
    const wrapper = { ...pool };
    wrapped.push(wrapper);
    return wrapper;
  };
  return { wrapped, wrap };
}

describe('upstreams', () => {
  const general = queryOf('a.example.org');
  const miss = { ...queryOf('gone.home.example.com'), zoneMiss: true as const };

  it('sends names outside our zones to forward.upstreams and zone misses to zoneMiss.upstreams', async () => {
    const { upstreams, sentTo } = upstreamsOf({
      'forward.upstreams': ['127.0.0.1:5301'],
      'zoneMiss.mode': 'forward',
      'zoneMiss.upstreams': ['127.0.0.1:5302'],
    });
    await upstreams.poolFor(general)?.exchange(general.raw);
    await upstreams.poolFor(miss)?.exchange(miss.raw);
    expect(sentTo).toEqual(['127.0.0.1:5301', '127.0.0.1:5302']);
    expect([upstreams.recursive, upstreams.forwarding]).toEqual([true, true]);
  });

  it('has no pool where no servers are configured: nothing is forwarded there', () => {
    const none = upstreamsOf({}).upstreams;
    expect([none.poolFor(general), none.poolFor(miss)]).toEqual([undefined, undefined]);
    expect([none.recursive, none.forwarding]).toEqual([false, false]);
    const missesOnly = upstreamsOf({
      'zoneMiss.mode': 'forward',
      'zoneMiss.upstreams': ['127.0.0.1:5302'],
    }).upstreams;
    expect(missesOnly.poolFor(general)).toBeUndefined();
    expect([missesOnly.recursive, missesOnly.forwarding]).toEqual([false, true]);
    // In mode nxdomain the zone-miss upstreams are never asked.
    const nxdomain = upstreamsOf({ 'zoneMiss.upstreams': ['127.0.0.1:5302'] }).upstreams;
    expect(nxdomain.poolFor(miss)).toBeUndefined();
  });

  it('wraps the zone-miss pool only (the loop guard marks what leaves through it), and closes the exchanger', () => {
    const { wrapped, wrap } = recordingWrap();
    const { upstreams, closed } = upstreamsOf(
      {
        'forward.upstreams': ['127.0.0.1:5301'],
        'zoneMiss.mode': 'forward',
        'zoneMiss.upstreams': ['127.0.0.1:5302'],
      },
      wrap,
    );
    expect(wrapped).toEqual([upstreams.poolFor(miss)]);
    expect(upstreams.poolFor(miss)).toBe(wrapped[0]);
    expect(upstreams.poolFor(general)).not.toBe(wrapped[0]);
    upstreams.close();
    expect(closed()).toBe(true);
  });

  it('routes by the longest domain: rules for internal names and reverse zones, the rest to forward.upstreams', async () => {
    const { upstreams, sentTo } = upstreamsOf({
      'forward.upstreams': ['127.0.0.1:5301'],
      'forward.rules': [
        { domains: ['internal', '127.0.1.0/24'], upstreams: ['127.0.1.1:5353'] },
        { domains: ['lab.internal'], upstreams: ['tls://127.0.0.1:8853#dot.test'] },
        { domains: ['example.com'], upstreams: ['127.0.0.1:5304'] },
        { domains: ['legacy.home.example.com'], upstreams: ['127.0.0.1:5305'] },
      ],
      'zoneMiss.mode': 'forward',
      'zoneMiss.upstreams': ['127.0.0.1:5302'],
    });
    const table: [ReturnType<typeof queryOf>, string][] = [
      [queryOf('nas.internal'), '127.0.1.1:5353'],
      [queryOf('internal'), '127.0.1.1:5353'],
      [queryOf('9.1.0.127.in-addr.arpa', 12), '127.0.1.1:5353'],
      [queryOf('9.2.0.127.in-addr.arpa', 12), '127.0.0.1:5301'],
      [queryOf('pi.lab.internal'), 'tls://127.0.0.1:8853'],
      [queryOf('www.example.com'), '127.0.0.1:5304'],
      [queryOf('a.example.org'), '127.0.0.1:5301'],
      [queryOf('internal.example.net'), '127.0.0.1:5301'],
      // Zone misses: a rule inside our zones, else zoneMiss.upstreams; never the parent domain's rule.
      [{ ...queryOf('app.legacy.home.example.com'), zoneMiss: true }, '127.0.0.1:5305'],
      [{ ...queryOf('gone.home.example.com'), zoneMiss: true }, '127.0.0.1:5302'],
    ];
    for (const [q, _] of table) await upstreams.poolFor(q)?.exchange(q.raw);
    expect(sentTo).toEqual(table.map(([, to]) => to));
    expect([upstreams.recursive, upstreams.forwarding]).toEqual([true, true]);
  });

  it('a rule with domains on both sides of our zones routes each where it belongs', async () => {
    const { upstreams, sentTo } = upstreamsOf({
      'forward.upstreams': ['127.0.0.1:5301'],
      'forward.rules': [{ domains: ['internal', 'legacy.home.example.com'], upstreams: ['127.0.0.1:5305'] }],
      'zoneMiss.mode': 'forward',
      'zoneMiss.upstreams': ['127.0.0.1:5302'],
    });
    const asked = [
      queryOf('nas.internal'),
      { ...queryOf('app.legacy.home.example.com'), zoneMiss: true as const },
      { ...queryOf('gone.home.example.com'), zoneMiss: true as const },
    ];
    for (const q of asked) await upstreams.poolFor(q)?.exchange(q.raw);
    expect(sentTo).toEqual(['127.0.0.1:5305', '127.0.0.1:5305', '127.0.0.1:5302']);
  });

  it('with rules alone: the names they cover are forwarded (RA), all others refused', () => {
    const { upstreams } = upstreamsOf({
      'forward.rules': [{ domains: ['internal'], upstreams: ['127.0.1.1'] }],
    });
    expect(upstreams.poolFor(queryOf('nas.internal'))).toBeDefined();
    expect(upstreams.poolFor(queryOf('a.example.org'))).toBeUndefined();
    expect([upstreams.recursive, upstreams.forwarding]).toEqual([true, true]);
  });

  it('wraps every pool of zone misses (a rule inside our zones too) with the loop guard, and no other', () => {
    const { wrapped, wrap } = recordingWrap();
    const { upstreams } = upstreamsOf(
      {
        'forward.upstreams': ['127.0.0.1:5301'],
        'forward.rules': [
          { domains: ['legacy.home.example.com'], upstreams: ['127.0.0.1:5305'] },
          { domains: ['internal'], upstreams: ['127.0.1.1'] },
        ],
        'zoneMiss.mode': 'forward',
        'zoneMiss.upstreams': ['127.0.0.1:5302'],
      },
      wrap,
    );
    const rule = upstreams.poolFor({ ...queryOf('x.legacy.home.example.com'), zoneMiss: true });
    expect(wrapped).toEqual([upstreams.poolFor(miss), rule]);
    expect(wrapped).not.toContain(upstreams.poolFor(queryOf('nas.internal')));
  });

  it('says what happens to the upstreams: down and back up per pool, a REFUSED once per address', async () => {
    const { lines, logger: log } = captureLogger();
    let answer = 5; // REFUSED, until the upstream is told otherwise
    const exchanger: Exchanger = {
      udp: async () => reply('a.example.org', answer, 60),
      tcp: async () => reply('a.example.org', answer, 60),
      tls: async () => reply('a.example.org', answer, 60),
      close: () => undefined,
    };
    const time = manualClock();
    const upstreams = createUpstreams({
      settings: testConfig({
        'forward.upstreams': ['127.0.0.1:5301'],
        'zoneMiss.mode': 'forward',
        'zoneMiss.upstreams': ['127.0.0.1:5301'],
      }),
      registry: createMetricsRegistry('dns'),
      logger: log,
      clock: time,
      exchanger,
    });
    for (const q of [general, general, general, miss])
      await upstreams
        .poolFor(q)
        ?.exchange(q.raw)
        .catch(() => null);
    time.advance(2000);
    answer = 0;
    await upstreams.poolFor(general)?.exchange(general.raw);
    expect(lines.map((l) => [l.level, l.pool, l.upstream, l.msg])).toEqual([
      [
        'warn',
        'forward',
        '127.0.0.1:5301',
        'upstream answered REFUSED: it does not resolve for Horizon (check its access rules); said once per upstream',
      ],
      [
        'warn',
        'forward',
        '127.0.0.1:5301',
        'upstream down after 3 failures in a row: tried after the others, one query probes it every 2 s',
      ],
      ['info', 'forward', '127.0.0.1:5301', 'upstream back up: a probe query was answered'],
    ]);
  });

  it("a rule's pool fails over, goes down and says so as the others do, named by its key", async () => {
    const { lines, logger: log } = captureLogger();
    const exchanger: Exchanger = {
      udp: async (_, port) => reply('a.example.org', port === 5305 ? 2 : 0, 60), // 5305: SERVFAIL
      tcp: async () => reply('a.example.org', 0, 60),
      tls: async () => reply('a.example.org', 0, 60),
      close: () => undefined,
    };
    const upstreams = createUpstreams({
      settings: testConfig({
        'forward.upstreams': ['127.0.0.1:5301'],
        'forward.rules': [
          { domains: ['internal'], upstreams: ['127.0.0.1:5305', 'tls://127.0.0.1:8853#dot.test'] },
        ],
      }),
      registry: createMetricsRegistry('dns'),
      logger: log,
      clock: manualClock(),
      exchanger,
    });
    const nas = queryOf('nas.internal');
    for (let i = 0; i < 3; i += 1)
      expect(rcodeOf(await (upstreams.poolFor(nas) as UpstreamPool).exchange(nas.raw))).toBe(0);
    expect(lines.map((l) => [l.pool, l.upstream, l.msg])).toEqual([
      [
        'forward.rules[0]',
        '127.0.0.1:5305',
        'upstream down after 3 failures in a row: tried after the others, one query probes it every 2 s',
      ],
    ]);
  });
});
