import { type FakeUpstream, startFakeUpstream } from '@horizon/test/harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricValue, testConfig } from '../basics.ts';
import { answersOf, dig, manifests, startDns, status } from '../helpers.ts';

// Public DNS (the fake upstream) answers `into.<label>.example.org` with a CNAME to
// <label>.home.example.com, its own A 6.6.6.6 for that name, an NS for our zone and glue.
let upstream: FakeUpstream;
let dns: Awaited<ReturnType<typeof startDns>>;
const config = (overrides: Record<string, unknown> = {}) =>
  testConfig({
    'source.manifests': manifests({ id: ['id.home.example.com'] }),
    'forward.upstreams': [`${upstream.host}:${upstream.port}`],
    views: [
      { name: 'tailnet', cidrs: ['127.0.100.0/24'], addresses: { 'network/internal': ['100.100.3.202'] } },
    ],
    ...overrides,
  });
beforeAll(async () => {
  upstream = await startFakeUpstream();
  dns = await startDns(config());
});
afterAll(async () => {
  await dns.stop();
  await upstream.stop();
});

const sections = (out: string) =>
  /ANSWER: (\d+), AUTHORITY: (\d+), ADDITIONAL: (\d+)/.exec(out)?.slice(1).map(Number);

describe('upstream answers never speak for our zones', () => {
  it('chases a public CNAME into our zone to the index: the LAN gets the internal gateway, never 6.6.6.6', async () => {
    const out = await dig(dns.port, ['into.id.example.org']);
    expect(status(out)).toBe('NOERROR');
    expect(answersOf(out)).toEqual([
      ['into.id.example.org.', '60', 'IN', 'CNAME', 'id.home.example.com.'],
      ['id.home.example.com.', '30', 'IN', 'A', '10.90.3.202'],
    ]);
    expect(sections(out)).toEqual([2, 0, 1]); // no NS for our zone, no glue (1: our OPT)
    expect(out).not.toContain('6.6.6.');
    expect(out).not.toMatch(/flags:[^;]* aa/);
    expect(await metricValue(dns.registry, 'horizon_dns_forward_cname_chased_total')).toBe(1);
  });

  it('completes the cached public part per client: the tailnet gets its view, over TCP too', async () => {
    const tailnet = await dig(dns.port, ['+short', '-b', '127.0.100.7', 'into.id.example.org']);
    expect(tailnet.trim().split('\n')).toEqual(['id.home.example.com.', '100.100.3.202']);
    const tcp = await dig(dns.port, ['+short', '+tcp', 'into.id.example.org']);
    expect(tcp.trim().split('\n')).toEqual(['id.home.example.com.', '10.90.3.202']);
    expect(upstream.queries.filter((q) => q.name === 'into.id.example.org')).toHaveLength(1); // cached
  });

  it('a CNAME to a name we do not have ends in our NXDOMAIN with our SOA (RFC 6604)', async () => {
    const out = await dig(dns.port, ['into.gone.example.org']);
    expect(status(out)).toBe('NXDOMAIN');
    expect(answersOf(out)[0]).toEqual([
      'into.gone.example.org.',
      '60',
      'IN',
      'CNAME',
      'gone.home.example.com.',
    ]);
    expect(out).toMatch(/home\.example\.com\.\s+30\s+IN\s+SOA\s+ns\.home\.example\.com\./);
    expect(out).not.toContain('6.6.6.');
  });

  it('with zone misses forwarded, a CNAME to a missing name asks the zone-miss upstream for it', async () => {
    const miss = await startDns(
      config({ 'zoneMiss.mode': 'forward', 'zoneMiss.upstreams': [`${upstream.host}:${upstream.port}`] }),
    );
    try {
      const out = await dig(miss.port, ['+short', 'into.gone.example.org']);
      expect(out.trim().split('\n')).toEqual(['gone.home.example.com.', '127.0.0.99']);
      expect(upstream.queries.some((q) => q.name === 'gone.home.example.com')).toBe(true);
    } finally {
      await miss.stop();
    }
  });
});
