import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { scratchDir } from '@horizon/test/harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConfig } from '../basics.ts';
import { dig, startDns, status } from '../helpers.ts';

// Every record type of the new sources through the wire, as dig (UDP) and kdig (TCP) read it:
// the service over a manifest folder of Gateway, routes, Services, DNSEndpoints and Namespaces
// (fixtures/sources, validated against the official CRDs in test/deploy), and the config's
// static records in another zone.
const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'sources');
let run: Awaited<ReturnType<typeof startDns>>;
let dir: string;

beforeAll(async () => {
  dir = scratchDir('dns-sources');
  cpSync(FIXTURES, dir, { recursive: true });
  const settings = testConfig({
    'source.manifests': dir,
    reverseZones: ['3.90.10.in-addr.arpa'],
    records: [
      { name: 'stanton-01.internal', values: ['10.90.3.101'] },
      { name: 'printer.home.example.com', values: ['10.90.3.90'] },
    ],
  });
  run = await startDns(settings);
});
afterAll(() => run.stop());

const short = async (...args: string[]) => (await dig(run.port, ['+short', ...args])).trim().split('\n');
const tcp = async (...args: string[]) =>
  (await dig(run.port, ['+tcp', '+short', ...args], '127.0.0.1', 'kdig')).trim().split('\n');

describe('names from more sources, on the wire', () => {
  it.each<[string, string[], string[]]>([
    ["the Gateway's own name (spec.infrastructure)", ['internal.home.example.com'], ['10.90.3.202']],
    ['a route and its hostname annotation', ['books.home.example.com'], ['10.90.3.202']],
    ['a GRPCRoute', ['grpc.home.example.com'], ['10.90.3.202']],
    ['a LoadBalancer Service (io.cilium/lb-ipam-ips), A', ['mqtt.home.example.com'], ['10.90.3.210']],
    ['... and AAAA', ['mqtt.home.example.com', 'AAAA'], ['fd00::210']],
    ['a Service by spec.loadBalancerIP', ['pg.home.example.com'], ['10.90.3.211']],
    ['a DNSEndpoint AAAA', ['nas.home.example.com', 'AAAA'], ['fd00::50']],
    [
      'a DNSEndpoint CNAME into our zone, chased',
      ['docs.home.example.com'],
      ['pdf.home.example.com.', '10.90.3.202'],
    ],
    ['a DNSEndpoint CNAME out of our zones', ['status.home.example.com'], ['status.example.net.']],
    ['MX at the apex', ['home.example.com', 'MX'], ['10 mx1.example.net.', '20 mx2.example.net.']],
    [
      'SOA still at the apex',
      ['home.example.com', 'SOA'],
      [expect.stringMatching(/^ns\.home\.example\.com\. /)],
    ],
    ['SRV', ['_mqtt._tcp.home.example.com', 'SRV'], ['0 5 1883 mqtt.home.example.com.']],
    ['a static record in another zone', ['stanton-01.internal'], ['10.90.3.101']],
    ['PTR of a static record', ['-x', '10.90.3.101'], ['stanton-01.internal.']],
    ['PTR of a Service', ['-x', '10.90.3.210'], ['mqtt.home.example.com.']],
    ['a static record in our zone', ['printer.home.example.com'], ['10.90.3.90']],
  ] as [string, string[], string[]][])('%s', async (_, args, expected) => {
    expect(await short(...args)).toEqual(expected);
    expect(await tcp(...args)).toEqual(
      expected.map((e) => (typeof e === 'string' ? e.replace(/^"|"$/g, '') : e)),
    );
  });

  it('answers a 600-byte TXT as character-strings of 255, whole over TCP', async () => {
    const [udp] = await short('mail._domainkey.home.example.com', 'TXT');
    expect(udp?.split('" "').map((s) => s.replaceAll('"', '').length)).toEqual([255, 255, 108]);
    const [overTcp] = await tcp('mail._domainkey.home.example.com', 'TXT');
    expect(overTcp?.replaceAll(/" ?"?/g, '')).toBe(`v=DKIM1; k=rsa; p=${'A'.repeat(600)}`);
  });

  it('gives no name to a ClusterIP Service or an object left to another controller, and says who lost a name', async () => {
    expect(status(await dig(run.port, ['cache.home.example.com']))).toBe('NXDOMAIN');
    expect(status(await dig(run.port, ['public.home.example.com']))).toBe('NXDOMAIN');
    expect(await short('pdf.home.example.com')).toEqual(['10.90.3.202']); // the route over the Service
    const books = (await dig(run.port, ['+noall', '+answer', 'books.home.example.com'])).trim().split(/\s+/);
    expect(books[1]).toBe('120'); // the route's ttl annotation, 2m
    const records = (await run.dns.routes['/records'](new URL('http://x/records'))).json as {
      conflicts: { name: string; owner: string; reason: string }[];
    };
    expect(records.conflicts).toContainEqual(
      expect.objectContaining({ name: 'pdf.home.example.com', owner: 'Service home/postgres' }),
    );
  });

  it('shows each name with its source on the status page, and who lost a name and why', async () => {
    const html = (await run.dns.routes['/'](new URL('http://ops.invalid/'))).html ?? '';
    expect(html).toContain('<td>mqtt.home.example.com</td><td>10.90.3.210, fd00::210</td>');
    expect(html).toMatch(
      /<td>mqtt\.home\.example\.com<\/td>.*?<td>Service<\/td><td><\/td><td>Service home\/mosquitto<\/td>/s,
    );
    expect(html).toMatch(/<td>stanton-01\.internal<\/td>.*?<td>static record<\/td>/s);
    expect(html).toContain('<td>pdf.home.example.com</td><td>HTTPRoute home/pdf serves it');
  });

  it('admits a route by its Namespace labels (from: Selector), and follows a label change', async () => {
    expect(status(await dig(run.port, ['wiki.lan.home.example.com']))).toBe('NXDOMAIN');
    const generationOf = async () =>
      ((await run.dns.routes['/records'](new URL('http://x/records'))).json as { generation: number })
        .generation;
    const generation = await generationOf();
    const changed = new Promise<void>((resolve) => {
      const off = run.source.onChange((s) => {
        if (s.namespaces[0]?.metadata.labels?.['horizon.test/lan'] === 'yes') {
          off();
          resolve();
        }
      });
    });
    writeFileSync(
      join(dir, 'namespaces.yaml'),
      'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: lab\n  labels:\n    horizon.test/lan: "yes"\n',
    );
    await changed; // the index rebuilds on the same event, before this listener runs
    expect(await generationOf()).toBeGreaterThan(generation);
    expect(await short('wiki.lan.home.example.com')).toEqual(['10.90.3.202']);
  });
});
