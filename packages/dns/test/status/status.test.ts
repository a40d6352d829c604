import { createMetricsRegistry, manualClock, VIEWS_BURST } from '@horizon/shared';
import { freePort, startDnsmasq } from '@horizon/test/harness';
import { Counter } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dnsHistory } from '../../src/status/gather.ts';
import { testConfig } from '../basics.ts';
import { dig, manifests, startDns, status } from '../helpers.ts';

let dns: Awaited<ReturnType<typeof startDns>>;
let upstream: Awaited<ReturnType<typeof startDnsmasq>>;
const page = async (q = '') => {
  const out = await dns.dns.routes['/'](new URL(`http://ops.invalid/?q=${encodeURIComponent(q)}`));
  return out.html ?? '';
};

beforeAll(async () => {
  upstream = await startDnsmasq(
    ['address=/public.example.org/127.0.0.77', 'local-ttl=60', 'address=/nothing.example.org/'],
    { host: '127.0.0.53' },
  );
  const dead = await freePort('127.0.0.1'); // nothing listens there: every query to it fails
  dns = await startDns(
    testConfig({
      'source.manifests': manifests({ unifi: ['unifi.home.example.com'], pdf: ['pdf.home.example.com'] }),
      'forward.upstreams': [`127.0.0.53:${upstream.port}`, `127.0.0.1:${dead}`],
      'forward.policy': 'sequential',
      // The UDM's names: a rule to the same dnsmasq, which the page lists as what it is for too.
      'forward.rules': [
        { domains: ['internal', '10.90.0.0/16'], upstreams: [`127.0.0.53:${upstream.port}`] },
      ],
      views: [
        { name: 'tailnet', cidrs: ['127.0.100.0/24'], addresses: { 'network/internal': ['100.100.3.202'] } },
      ],
    }),
  );
});
afterAll(async () => {
  await dns?.stop();
  await upstream?.stop();
});

describe("the DNS status page, from the running service's own state", () => {
  it('lists every name with its address per view and where it comes from, and filters them', async () => {
    const all = await page();
    expect(all).toContain('<td>unifi.home.example.com</td><td>10.90.3.202</td><td>100.100.3.202</td>');
    expect(all).toContain('<th>address (tailnet)</th>');
    expect(all).toContain('home/unifi');
    const some = await page('PDF');
    expect(some).toContain('pdf.home.example.com');
    expect(some).not.toContain('<td>unifi.home.example.com</td>');
    expect(some).toContain('value="PDF"');
  });

  it('shows the upstreams as the forward metrics count them, and the cache', async () => {
    expect((await dig(dns.port, ['+short', 'public.example.org'])).trim()).toBe('127.0.0.77');
    await dig(dns.port, ['+short', 'public.example.org']); // a hit
    const out = await page();
    expect(out).toContain(
      `<td>127.0.0.53:${upstream.port}</td><td>names outside the zones; forward.rules[0]: internal, 90.10.in-addr.arpa</td><td><span class="ok">up</span></td><td>1</td><td>0</td>`,
    );
    expect(out).toMatch(/cache<b>1 entries, 50% hits<\/b>/);
  });

  it('lists the last NXDOMAIN and SERVFAIL answers with why, newest first, and never the rest', async () => {
    expect(status(await dig(dns.port, ['nope.home.example.com']))).toBe('NXDOMAIN');
    expect(status(await dig(dns.port, ['nothing.example.org']))).toBe('NXDOMAIN');
    await dig(dns.port, ['unifi.home.example.com']);
    // dnsmasq refuses what it has no rule for, and the other upstream is dead.
    expect(status(await dig(dns.port, ['unknown.example.net']))).toBe('SERVFAIL');
    const out = await page();
    const section = out.slice(out.indexOf('Last SERVFAIL and NXDOMAIN'));
    expect(section).toMatch(
      /unknown\.example\.net<\/td><td>A<\/td><td>SERVFAIL<\/td><td>no upstream answered, or the upstream answered SERVFAIL \(see Upstreams\)<\/td>[\s\S]*nothing\.example\.org<\/td><td>A<\/td><td>NXDOMAIN<\/td><td>the upstream says it does not exist<\/td><td>127\.0\.0\.1<\/td>[\s\S]*nope\.home\.example\.com<\/td><td>A<\/td><td>NXDOMAIN<\/td><td>nothing in the cluster or the config names it in home\.example\.com/,
    );
    expect(section).not.toContain('unifi.home.example.com');
  });

  it('escapes what clients send: a query name is never markup on the page', async () => {
    await dig(dns.port, ['<b>x</b>.home.example.com']);
    const out = await page();
    expect(out).not.toContain('<b>x</b>');
    expect(out).toContain('&#60;b&#62;x&#60;/b&#62;.home.example.com');
  });

  it('is made at most VIEWS_BURST times in a burst: a flood of views is refused (503), so it cannot starve the answers', async () => {
    const url = new URL('http://ops.invalid/');
    const views = await Promise.all(Array.from({ length: 100 }, () => dns.dns.routes['/'](url)));
    const made = views.filter((v) => v.html !== undefined).length;
    expect(made).toBeLessThanOrEqual(VIEWS_BURST);
    expect(views.filter((v) => v.status === 503)).toHaveLength(100 - made);
  });
});

describe("the page's graphs", () => {
  it('are per-second rates of the responses counter, by rcode, sampled on the clock', async () => {
    const registry = createMetricsRegistry('dns');
    const responses = new Counter({
      name: 'horizon_dns_responses_total',
      help: 'x',
      labelNames: ['rcode'],
      registers: [registry],
    });
    const clock = manualClock();
    const history = dnsHistory(registry, clock);
    await history.sample();
    responses.labels('NOERROR').inc(90);
    responses.labels('NXDOMAIN').inc(10);
    clock.advance(10_000);
    await history.sample();
    expect(history.points('queries')).toEqual([10]);
    expect(history.points('nxdomain')).toEqual([1]);
    expect(history.points('servfail')).toEqual([0]);
  });
});
