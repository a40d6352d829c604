import { createSocket } from 'node:dgram';
import {
  dnsQuery,
  freePort,
  manualClock,
  type RunningProgram,
  startDnsmasq,
  startFakeUpstream,
  udpExchange,
  waitFor,
} from '@horizon/test/harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricValue, testConfig } from '../basics.ts';
import { answersOf, dig, manifests, startDns, status } from '../helpers.ts';

// "Public DNS" on loopback: a dnsmasq that knows pdf.home.example.com (the Cloudflare answer for
// an external-only app) and a few outside names, and counts the queries it gets in its log.
let publicDns: RunningProgram;
beforeAll(async () => {
  publicDns = await startDnsmasq(
    [
      'address=/pdf.home.example.com/127.0.0.201',
      'address=/example.org/127.0.0.50',
      'address=/id.home.example.com/127.0.0.201',
      'log-queries',
      'local-ttl=60',
    ],
    { host: '127.0.0.53' },
  );
});
afterAll(() => publicDns.stop());
const queriesSeen = (name: string) =>
  publicDns
    .output()
    .split('\n')
    .filter((l) => l.includes(`query[A] ${name} `)).length;

describe('forwarding and cache', () => {
  it('forwards names outside the zone, caches them with the TTL counting down, and shares one upstream query', async () => {
    const time = manualClock();
    const dns = await startDns(
      testConfig({
        'source.manifests': manifests({}),
        'forward.upstreams': [`127.0.0.53:${publicDns.port}`],
      }),
      undefined,
      {},
      { clock: time },
    );
    try {
      const first = await dig(dns.port, ['example.org']);
      expect(status(first)).toBe('NOERROR');
      expect(answersOf(first)[0]?.slice(1)).toEqual(['60', 'IN', 'A', '127.0.0.50']);
      time.advance(1100);
      const second = answersOf(await dig(dns.port, ['EXAMPLE.org']));
      expect(second[0]?.slice(0, 2)).toEqual(['EXAMPLE.org.', '59']);
      await Promise.all(Array.from({ length: 20 }, () => dig(dns.port, ['+short', 'a.example.org'])));
      expect(queriesSeen('a.example.org')).toBe(1);
      expect(queriesSeen('example.org')).toBe(1);
      // Each of the 22 queries is a hit or a miss, once; how many of the 20 at once came after the
      // first answer was stored (hits) or before (misses waiting on the one upstream query) varies.
      const hits = await metricValue(dns.registry, 'horizon_dns_cache_hits_total');
      expect(hits + (await metricValue(dns.registry, 'horizon_dns_cache_misses_total'))).toBe(22);
      expect(hits).toBeGreaterThanOrEqual(1); // EXAMPLE.org, at least
    } finally {
      await dns.stop();
    }
  });

  it('fails over from a dead upstream, keeps the DO and CD bits, and serves stale when every upstream is gone', async () => {
    const dead = await freePort('127.0.0.1'); // nothing listens there
    const flaky = await startDnsmasq(['address=/stale.example.org/127.0.0.77', 'local-ttl=1'], {
      host: '127.0.0.54',
    });
    const time = manualClock();
    const dns = await startDns(
      testConfig({
        'source.manifests': manifests({}),
        'forward.upstreams': [`127.0.0.1:${dead}`, `127.0.0.54:${flaky.port}`],
      }),
      undefined,
      {},
      { clock: time },
    );
    try {
      expect((await dig(dns.port, ['+short', 'stale.example.org'])).trim()).toBe('127.0.0.77');
      expect(await dig(dns.port, ['+dnssec', '+cd', 'stale.example.org'])).toMatch(
        /flags: qr rd ra cd;[\s\S]*flags: do;/,
      );
      await flaky.stop();
      time.advance(1200); // the 1 s TTL has run out
      const stale = answersOf(await dig(dns.port, ['stale.example.org']));
      expect(stale[0]?.slice(1)).toEqual(['30', 'IN', 'A', '127.0.0.77']);
      expect(await metricValue(dns.registry, 'horizon_dns_cache_served_stale_total')).toBe(1);
      expect(status(await dig(dns.port, ['never-cached.example.org']))).toBe('SERVFAIL');
    } finally {
      await dns.stop();
      await flaky.stop();
    }
  });

  it('answers SERVFAIL at once past the in-flight bound instead of queueing', async () => {
    const hole = createSocket('udp4'); // an upstream that never answers
    let arrived = 0;
    hole.on('message', () => (arrived += 1));
    await new Promise<void>((r) => hole.bind(0, '127.0.0.1', () => r()));
    // On a clock that moves only when told, the upstream deadline cannot end a forward: a SERVFAIL
    // before the clock moves is the in-flight bound's.
    const time = manualClock();
    const dns = await startDns(
      testConfig({
        'source.manifests': manifests({}),
        'forward.upstreams': [`127.0.0.1:${hole.address().port}`],
        'forward.maxInFlight': 1,
        'forward.timeoutMs': 1500,
      }),
      undefined,
      {},
      { clock: time },
    );
    try {
      const slow = dig(dns.port, ['slow.example.org']);
      await waitFor('the first forward upstream', () => arrived === 1);
      expect(status(await dig(dns.port, ['other.example.org']))).toBe('SERVFAIL');
      expect(arrived).toBe(1);
      time.advance(1500); // the first forward's deadline
      expect(status(await slow)).toBe('SERVFAIL');
      expect(await metricValue(dns.registry, 'horizon_dns_forward_overload_total')).toBe(1);
    } finally {
      await dns.stop();
      hole.close();
    }
  });
});

describe('a broken upstream', () => {
  it('cannot wedge forwarding: exchanges that end without an answer free their in-flight slot at once', async () => {
    const bad = await startFakeUpstream();
    const dns = await startDns(
      testConfig({
        'source.manifests': manifests({}),
        'forward.upstreams': [`${bad.host}:${bad.port}`],
        'forward.maxInFlight': 5,
        'forward.timeoutMs': 30_000, // settling must come from the close, never from this
      }),
    );
    try {
      for (const how of ['tc-close', 'tc-partial', 'tc-reset']) {
        const names = Array.from({ length: 5 }, (_, i) => `${how}.n${i}.example.org`);
        const results = await Promise.all(names.map((n) => dig(dns.port, [n])));
        expect(results.map(status)).toEqual(Array(5).fill('SERVFAIL'));
      }
      expect((await dig(dns.port, ['+short', 'good.example.org'])).trim()).toBe('127.0.0.99');
      expect(await metricValue(dns.registry, 'horizon_dns_forward_overload_total')).toBe(0);
    } finally {
      await dns.stop();
      await bad.stop();
    }
  });
});

describe('shutdown', () => {
  it('answers still on their way when the server closes are dropped, never sent on a closed socket', async () => {
    const slow = await startFakeUpstream({ slowMs: 200 });
    const dns = await startDns(
      testConfig({ 'source.manifests': manifests({}), 'forward.upstreams': [`${slow.host}:${slow.port}`] }),
    );
    try {
      void udpExchange('127.0.0.1', dns.port, dnsQuery('slow.late.example.org'), 1000);
      await waitFor('the forward', () => slow.queries.some((q) => q.name === 'slow.late.example.org'));
    } finally {
      await dns.stop(); // the forward is cut short and answered SERVFAIL: after the socket closed
      await slow.stop();
    }
    // The answer is counted just after it is handed over: counted means it was not sent, and did
    // not throw (a send on the closed socket would have, before the count).
    await waitFor(
      'the cut-short forward answered',
      async () =>
        (await metricValue(dns.registry, 'horizon_dns_responses_total', { rcode: 'SERVFAIL' })) === 1,
    );
  });
});

describe('the design on loopback: dnsmasq as the UDM', () => {
  it('LAN clients get zone names from Horizon, other names from the upstream, and zone misses from public DNS, never the UDM', async () => {
    const horizonPort = await freePort('127.0.0.1');
    const dns = await startDns(
      testConfig({
        'listen.port': horizonPort,
        'listen.addresses': ['127.0.0.1'],
        'source.manifests': manifests({ id: ['id.home.example.com'], unifi: ['unifi.home.example.com'] }),
        'zoneMiss.mode': 'forward',
        'zoneMiss.upstreams': [`127.0.0.53:${publicDns.port}`],
        zoneForwarders: ['127.0.0.2'],
      }),
    );
    const udm = await startDnsmasq(
      [
        `server=/home.example.com/127.0.0.1#${horizonPort}`,
        `server=127.0.0.53#${publicDns.port}`,
        'no-negcache',
      ],
      { host: '127.0.0.2' },
    );
    try {
      const lan = (name: string, type = 'A') =>
        dig(udm.port, ['+short', '-b', '127.0.1.10', name, type], '127.0.0.2');
      expect((await lan('id.home.example.com')).trim()).toBe('10.90.3.202'); // not the public 127.0.0.201
      expect((await lan('unifi.home.example.com', 'AAAA')).trim()).toBe(''); // NODATA, no leak
      expect((await lan('example.org')).trim()).toBe('127.0.0.50');
      expect((await lan('pdf.home.example.com')).trim()).toBe('127.0.0.201'); // pattern 1: the public path
      expect(queriesSeen('id.home.example.com')).toBe(0);
    } finally {
      await udm.stop();
      await dns.stop();
    }
  });

  it("answers misses in our reverse zones itself (RFC 6303): a private address's PTR never reaches public DNS", async () => {
    const dns = await startDns(
      testConfig({
        'source.manifests': manifests({ id: ['id.home.example.com'] }),
        reverseZones: ['3.90.10.in-addr.arpa'],
        'zoneMiss.mode': 'forward',
        'zoneMiss.upstreams': [`127.0.0.53:${publicDns.port}`],
      }),
    );
    try {
      const seen = () =>
        publicDns
          .output()
          .split('\n')
          .filter((l) => l.includes('in-addr.arpa')).length;
      const before = seen();
      expect((await dig(dns.port, ['+short', '-x', '10.90.3.202'])).trim()).toBe('id.home.example.com.');
      const miss = await dig(dns.port, ['-x', '10.90.3.77']);
      expect(status(miss)).toBe('NXDOMAIN');
      expect(miss).toMatch(/flags: qr aa/); // ours, with the zone's SOA
      expect(seen()).toBe(before);
      // A forward zone's miss still goes to public DNS (pattern 1: an external-only app).
      expect((await dig(dns.port, ['+short', 'pdf.home.example.com'])).trim()).toBe('127.0.0.201');
    } finally {
      await dns.stop();
    }
  });

  it('detects a forwarding loop at run time, answers SERVFAIL, counts it and keeps running', async () => {
    const horizonPort = await freePort('127.0.0.1');
    const udm = await startDnsmasq([`server=/home.example.com/127.0.0.1#${horizonPort}`], {
      host: '127.0.0.3',
    });
    // Misconfigured on purpose: the zone-miss upstream is the UDM, which sends the zone back here.
    const looped = await startDns(
      testConfig({
        'listen.port': horizonPort,
        'listen.addresses': ['127.0.0.1'],
        'source.manifests': manifests({ id: ['id.home.example.com'] }),
        'zoneMiss.mode': 'forward',
        'zoneMiss.upstreams': [`127.0.0.3:${udm.port}`],
        'forward.timeoutMs': 1000,
      }),
    );
    try {
      expect(status(await dig(looped.port, ['missing.home.example.com']))).toBe('SERVFAIL');
      expect(await metricValue(looped.registry, 'horizon_dns_forward_loops_total')).toBe(1);
      expect((await dig(looped.port, ['+short', 'id.home.example.com'])).trim()).toBe('10.90.3.202'); // still serving
    } finally {
      await udm.stop();
      await looped.stop();
    }
  });
});
