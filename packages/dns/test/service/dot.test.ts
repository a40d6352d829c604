import {
  dnsQuery,
  freePort,
  makeTestPki,
  type RunningProgram,
  startDnsmasq,
  startUnboundDot,
  type TestPki,
  udpExchange,
} from '@horizon/test/harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureLogger, metricValue, testConfig } from '../basics.ts';
import { answersOf, dig, manifests, startDns, status } from '../helpers.ts';
import { echoOf, startFakeDot } from '../upstream/tls-server.ts';

// The design's forwarding, on loopback: public names to a DNS-over-TLS resolver (unbound from
// Debian, with a certificate from a CA this file makes and removes), `internal` names and the
// LAN's reverse zone to the UDM (dnsmasq on 127.0.1.1, "the LAN"), our zone answered by Horizon.
let pki: TestPki;
let unbound: RunningProgram;
let udm: RunningProgram;
beforeAll(async () => {
  pki = makeTestPki([{ name: 'dot.test', ip: '127.0.0.1' }]);
  const cert = pki.certs['dot.test'];
  if (!cert) throw new Error('no certificate');
  unbound = await startUnboundDot({
    keyFile: cert.keyFile,
    certFile: cert.certFile,
    localData: [
      'a.example.org. 300 IN A 127.0.0.50',
      'example.net. 300 IN A 127.0.0.60',
      'pdf.home.example.com. 300 IN A 127.0.0.201', // the public answer for an external-only app
    ],
    // Every name under example.net answers (the concurrency test asks 300 different ones).
    extra: ['local-zone: "example.net." redirect', 'log-queries: yes'],
  });
  udm = await startDnsmasq(
    ['address=/nas.internal/127.0.1.20', 'ptr-record=20.1.0.127.in-addr.arpa,nas.internal', 'log-queries'],
    { host: '127.0.1.1' },
  );
});
afterAll(async () => {
  await unbound?.stop();
  await udm?.stop();
  pki?.remove();
});

const dotUpstream = (name = 'dot.test') => `tls://127.0.0.1:${unbound.port}#${name}`;
const configOf = (overrides: Record<string, unknown> = {}) =>
  testConfig({
    'source.manifests': manifests({ id: ['id.home.example.com'] }),
    'forward.upstreams': [dotUpstream()],
    'forward.rules': [{ domains: ['internal', '127.0.1.0/24'], upstreams: [`127.0.1.1:${udm.port}`] }],
    'forward.tls': { caFile: pki.caFile, connections: 2, pipeline: 8, idleTimeoutMs: 10_000 },
    'forward.timeoutMs': 1500,
    ...overrides,
  });

describe('conditional forwarding and DNS over TLS, end to end', () => {
  it('sends public names over TLS to unbound, internal names and LAN reverse names to the UDM, answers our zone itself', async () => {
    const dns = await startDns(configOf());
    try {
      const a = await dig(dns.port, ['a.example.org']);
      expect(status(a)).toBe('NOERROR');
      expect(answersOf(a)[0]?.slice(3)).toEqual(['A', '127.0.0.50']);
      const nas = await dig(dns.port, ['+tcp', 'nas.internal'], '127.0.0.1', 'kdig');
      expect(answersOf(nas).find((l) => l[3] === 'A')?.[4]).toBe('127.0.1.20');
      const ptr = await dig(dns.port, ['-x', '127.0.1.20'], '127.0.0.1', 'kdig');
      expect(answersOf(ptr).find((l) => l[3] === 'PTR')?.[4]).toBe('nas.internal.');
      const ours = await dig(dns.port, ['id.home.example.com']);
      expect(answersOf(ours)[0]?.slice(3)).toEqual(['A', '10.90.3.202']);
      // Each went where its rule says, and nowhere else.
      expect(udm.output()).toContain('query[A] nas.internal');
      expect(unbound.output()).toContain('a.example.org. A IN');
      expect(unbound.output()).not.toContain('nas.internal');
      expect(unbound.output()).not.toContain('in-addr.arpa');
      const to = `tls://127.0.0.1:${unbound.port}`;
      expect(await metricValue(dns.registry, 'horizon_dns_forward_requests_total', { to })).toBe(1);
      expect(
        await metricValue(dns.registry, 'horizon_dns_forward_requests_total', {
          to: `127.0.1.1:${udm.port}`,
        }),
      ).toBe(2);
      expect(
        await metricValue(dns.registry, 'horizon_dns_forward_tls_handshakes_total', { to, result: 'new' }),
      ).toBe(1);
      expect(await metricValue(dns.registry, 'horizon_dns_forward_tls_connections', { to })).toBe(1);
    } finally {
      await dns.stop();
    }
  });

  it('sends zone misses over TLS too, marked by the loop guard (0x20 letter case), and relays the answer', async () => {
    const dns = await startDns(
      configOf({
        'zoneMiss.mode': 'forward',
        'zoneMiss.upstreams': [dotUpstream()],
        zoneForwarders: ['127.0.1.1'],
      }),
    );
    try {
      const pdf = await dig(dns.port, ['pdf.home.example.com']);
      expect(answersOf(pdf)[0]?.slice(3)).toEqual(['A', '127.0.0.201']);
      // unbound logs the name as it came: in the loop guard's random letter case (18 letters: all
      // lower case once in 262,144 runs).
      const asked = /\b(pdf\.home\.example\.com)\. A IN/i.exec(unbound.output())?.[1];
      expect(asked?.toLowerCase()).toBe('pdf.home.example.com');
      expect(asked).not.toBe('pdf.home.example.com');
    } finally {
      await dns.stop();
    }
  });

  it('answers 300 different names at once over at most 2 TLS connections of 8 queries each', async () => {
    const dns = await startDns(configOf());
    try {
      const replies = await Promise.all(
        Array.from({ length: 300 }, (_, i) =>
          udpExchange('127.0.0.1', dns.port, dnsQuery(`n${i}.example.net`, 1, i + 1), 5000),
        ),
      );
      // NOERROR with one answer each: the rcode nibble 0 and ANCOUNT 1.
      expect(replies.map((r) => (r ? `${(r[3] ?? 0) & 0xf}/${r.readUInt16BE(6)}` : 'none'))).toEqual(
        Array(300).fill('0/1'),
      );
      const to = `tls://127.0.0.1:${unbound.port}`;
      expect(
        await metricValue(dns.registry, 'horizon_dns_forward_tls_handshakes_total', { to }),
      ).toBeLessThanOrEqual(2);
      expect(await metricValue(dns.registry, 'horizon_dns_forward_failures_total', { to })).toBe(0);
    } finally {
      await dns.stop();
    }
  });

  it('a certificate for another name: SERVFAIL, one log line, counted as a failed handshake', async () => {
    const { lines, logger } = captureLogger();
    const dns = await startDns(
      configOf({ 'forward.upstreams': [dotUpstream('wrong.test')] }),
      undefined,
      {},
      { logger },
    );
    try {
      for (const name of ['a.example.org', 'b.example.net', 'c.example.net']) {
        expect(status(await dig(dns.port, [name]))).toBe('SERVFAIL');
      }
      const to = `tls://127.0.0.1:${unbound.port}`;
      expect(
        await metricValue(dns.registry, 'horizon_dns_forward_tls_handshakes_total', { to, result: 'failed' }),
      ).toBeGreaterThanOrEqual(1);
      const said = lines.filter((l) => l.msg === 'DNS-over-TLS connection failed');
      expect(said).toHaveLength(1);
      expect(said[0]).toMatchObject({ upstream: to, code: 'E_UPSTREAM_TLS', component: 'upstream' });
      expect(String(said[0]?.err)).toMatch(/wrong\.test/);
      // The internal rule's upstream is not touched by the other pool's trouble.
      expect(status(await dig(dns.port, ['nas.internal']))).toBe('NOERROR');
    } finally {
      await dns.stop();
    }
  });

  it('a hostile DoT upstream (silent, garbage, closing, a stray ID): SERVFAIL within the timeout, a log line each, other rules unharmed', async () => {
    const cert = pki.certs['dot.test'];
    const hostile = await startFakeDot({
      key: cert?.key,
      cert: cert?.cert,
      onQuery(m, socket, answer) {
        const kind = m.subarray(13, 13 + (m[12] ?? 0)).toString();
        if (kind === 'garbage')
          answer(m); // a query back: no response
        else if (kind === 'close') socket.destroy();
        else if (kind === 'stray') {
          const other = echoOf(m);
          other.writeUInt16BE(m.readUInt16BE(0) ^ 0xffff, 0); // an ID nothing waits for
          answer(other);
        } else if (kind !== 'silent') answer(echoOf(m));
      },
    });
    const { lines, logger } = captureLogger();
    const dns = await startDns(
      configOf({
        'forward.upstreams': [`tls://127.0.0.1:${hostile.port}#dot.test`],
        'forward.timeoutMs': 300,
        'forward.failuresBeforeDown': 100,
      }),
      undefined,
      {},
      { logger },
    );
    try {
      for (const kind of ['silent', 'garbage', 'close', 'stray']) {
        expect(status(await dig(dns.port, [`${kind}.example.org`])), kind).toBe('SERVFAIL');
      }
      expect(status(await dig(dns.port, ['nas.internal']))).toBe('NOERROR');
      expect(status(await dig(dns.port, ['fine.example.org']))).toBe('NOERROR');
      expect(lines.map((l) => l.msg)).toEqual(
        expect.arrayContaining([
          'the DNS-over-TLS upstream answered nothing on the connection within the timeout: closed it',
          'the DNS-over-TLS upstream sent something that is not a DNS response: closed the connection',
          'the DNS-over-TLS upstream closed the connection with queries unanswered',
        ]),
      );
      expect(
        await metricValue(dns.registry, 'horizon_dns_forward_unmatched_replies_total'),
      ).toBeGreaterThanOrEqual(1);
    } finally {
      await dns.stop();
      await hostile.close();
    }
  });

  it('an upstream that is down: refused connections give SERVFAIL, the upstream is marked down and logged', async () => {
    const { lines, logger } = captureLogger();
    const dead = await freePort('127.0.0.1');
    const dns = await startDns(
      configOf({
        'forward.upstreams': [`tls://127.0.0.1:${dead}#dot.test`],
        'forward.failuresBeforeDown': 2,
      }),
      undefined,
      {},
      { logger },
    );
    try {
      for (const name of ['a.example.org', 'b.example.net']) {
        expect(status(await dig(dns.port, [name]))).toBe('SERVFAIL');
      }
      expect(lines.map((l) => l.msg)).toContain(
        'upstream down after 2 failures in a row: tried after the others, one query probes it every 2 s',
      );
      expect(lines.find((l) => l.msg === 'DNS-over-TLS connection failed')).toMatchObject({
        code: 'E_UPSTREAM_SEND',
      });
    } finally {
      await dns.stop();
    }
  });
});
