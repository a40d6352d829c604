import { dnsQuery, type FakeUpstream, startFakeUpstream, waitFor } from '@horizon/test/harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RCODE, TYPE } from '../../src/wire/constants.ts';
import { testConfig } from '../basics.ts';
import { dig, manifests, startDns, status } from '../helpers.ts';
import { tcpClient } from '../tcp-client.ts';

describe('our zone names never leave, whatever the class', () => {
  let upstream: FakeUpstream;
  let dns: Awaited<ReturnType<typeof startDns>>;
  beforeAll(async () => {
    upstream = await startFakeUpstream();
    dns = await startDns(
      testConfig({
        'source.manifests': manifests({ id: ['id.home.example.com'] }),
        'forward.upstreams': [`${upstream.host}:${upstream.port}`],
        'zoneMiss.mode': 'forward',
        'zoneMiss.upstreams': [`${upstream.host}:${upstream.port}`],
      }),
    );
  });
  afterAll(async () => {
    await dns.stop();
    await upstream.stop();
  });

  it.each(['CH', 'HS', 'ANY', 'NONE', 'CLASS0', 'CLASS42'])(
    'class %s: REFUSED, nothing sent upstream',
    async (klass) => {
      for (const name of ['id.home.example.com', 'missing.home.example.com', 'example.org']) {
        expect(status(await dig(dns.port, ['-c', klass, name]))).toBe('REFUSED');
      }
      expect(upstream.queries).toEqual([]);
    },
  );

  it('AXFR (class IN or ANY) and IXFR of the zone: REFUSED over TCP, nothing sent upstream', async () => {
    const client = await tcpClient(dns.port);
    const asks: [number, number][] = [
      [TYPE.AXFR, 1],
      [TYPE.AXFR, 255],
      [TYPE.IXFR, 1],
    ];
    for (const [i, [type, klass]] of asks.entries()) {
      const q = dnsQuery('home.example.com', type, i + 1);
      q.writeUInt16BE(klass, q.length - 2);
      client.send(q);
    }
    await waitFor('three answers', () => client.answers.length === 3);
    expect(client.answers.map((a) => (a[3] ?? 0) & 0xf)).toEqual([
      RCODE.REFUSED,
      RCODE.REFUSED,
      RCODE.REFUSED,
    ]);
    expect((await dig(dns.port, ['home.example.com', 'AXFR'])).trim()).toMatch(/Transfer failed/);
    client.socket.destroy();
    expect(upstream.queries).toEqual([]);
  });
});
