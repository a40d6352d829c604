import { describe, expect, it } from 'vitest';
import { type DnsStatus, MAX_ROWS, renderDnsStatus } from '../../src/status/page.ts';

const status = (over: Partial<DnsStatus> = {}): DnsStatus => ({
  index: { synced: true, generation: 7, ageSeconds: 12, stalenessSeconds: 0 },
  names: [
    {
      name: 'id.home.example.com',
      addresses: { default: ['10.90.3.202'], tailnet: ['100.100.3.202'] },
      records: ['TXT "v=spf1 -all"'],
      source: 'HTTPRoute',
      gateway: 'network/internal',
      objects: ['security/pocket-id'],
    },
    {
      name: 'unifi.home.example.com',
      addresses: { default: ['10.90.3.202'] },
      records: [],
      source: 'HTTPRoute',
      gateway: 'network/internal',
      objects: ['network/unifi'],
    },
  ],
  refused: [{ name: 'x.other.org', reason: 'outside every zone', object: 'home/x' }],
  upstreams: [
    {
      address: '1.1.1.1:53',
      uses: ['names outside the zones'],
      healthy: false,
      requests: 10,
      failures: 4,
      meanSeconds: 0.0123,
    },
  ],
  cache: { enabled: true, entries: 42, hitRatio: 0.75 },
  loops: 0,
  recent: [
    {
      at: 1_000_000,
      name: 'nope.home.example.com',
      type: 'A',
      rcode: 'NXDOMAIN',
      reason: 'no route has this name',
      client: '10.90.0.5',
    },
  ],
  history: { stepSeconds: 10, queries: [1, 2, 3], servfail: [0, 0, 1], nxdomain: [0, 1, 0] },
  ...over,
});

describe('the DNS status page', () => {
  it('shows the state, the names per view, what is refused, the upstreams and the last failures', () => {
    const out = renderDnsStatus(status(), '', 1_030_000);
    expect(out).toContain('<title>Horizon DNS</title>');
    expect(out).toContain('generation 7');
    expect(out).toContain('2 of 2 names');
    expect(out).toContain('<th>address (tailnet)</th>');
    expect(out).toContain('100.100.3.202');
    expect(out).toContain('<th>other records</th>');
    expect(out).toContain('<td>TXT &#34;v=spf1 -all&#34;</td>');
    expect(out).toContain('outside every zone');
    expect(out).toContain('<span class="bad">down</span>');
    expect(out).toContain('12.3 ms');
    expect(out).toContain('75% hits');
    expect(out).toContain('<td>30 s ago</td><td>nope.home.example.com</td>');
    expect(out).toContain('<svg');
  });

  it('filters the names by what the box says, escaping it, and caps a long table', () => {
    const out = renderDnsStatus(status(), 'UNIFI"><script>', 0);
    expect(out).toContain('0 of 2 names');
    expect(out).not.toContain('<script>');
    expect(renderDnsStatus(status(), 'unifi', 0)).toContain('1 of 2 names');
    const many = Array.from({ length: MAX_ROWS + 5 }, (_, i) => ({
      name: `n${i}.home.example.com`,
      addresses: { default: ['10.0.0.1'] },
      records: [],
      source: 'static',
      gateway: '',
      objects: [],
    }));
    const big = renderDnsStatus(status({ names: many }), '', 0);
    expect(big).toContain(
      `${MAX_ROWS + 5} of ${MAX_ROWS + 5} names (the first ${MAX_ROWS}: narrow the filter)`,
    );
    expect(big.match(/<td>n\d+\.home\.example\.com<\/td>/g)).toHaveLength(MAX_ROWS);
  });

  it('says plainly when the index has not synced and nothing is configured', () => {
    const out = renderDnsStatus(
      status({
        index: {
          synced: false,
          generation: 0,
          ageSeconds: Number.POSITIVE_INFINITY,
          stalenessSeconds: Number.POSITIVE_INFINITY,
        },
        names: [],
        upstreams: [],
        cache: { enabled: false, entries: 0 },
      }),
      '',
      0,
    );
    expect(out).toContain('not synced: zone names get SERVFAIL');
    expect(out).toContain('none configured: names outside the zones are refused');
    expect(out).toContain('no names yet');
  });
});
