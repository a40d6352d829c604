import { dnsQuery, type FakeUpstream, startFakeUpstream, udpExchange } from '@horizon/test/harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeName } from '../../src/wire/name.ts';
import { testConfig } from '../basics.ts';
import { answersOf, dig, manifests, startDns, status } from '../helpers.ts';

// The smaller RFC points of issue 12, each against dig/kdig or raw packets.
let upstream: FakeUpstream;
let alone: Awaited<ReturnType<typeof startDns>>; // no forward upstreams
let resolver: Awaited<ReturnType<typeof startDns>>; // forwards for 127.0.0.0/24 only
beforeAll(async () => {
  upstream = await startFakeUpstream();
  const routes = manifests({ id: ['id.home.example.com'] });
  alone = await startDns(testConfig({ 'source.manifests': routes }));
  resolver = await startDns(
    testConfig({
      'source.manifests': routes,
      'forward.upstreams': [`${upstream.host}:${upstream.port}`],
      'acl.allow': ['127.0.0.0/24', '::1/128'],
    }),
  );
});
afterAll(async () => {
  await alone.stop();
  await resolver.stop();
  await upstream.stop();
});

const KEY = 'hmac-sha256:horizon-key:c2VjcmV0c2VjcmV0c2VjcmV0';

describe('opcodes (RFC 1035 §4.1.1, RFC 6891 §7)', () => {
  it.each([1, 2, 4, 5, 15])(
    'NOTIMP to opcode %i, with the opcode, question and an OPT echoed',
    async (opcode) => {
      const query = Buffer.from(
        'beef0100000100000000000102696404686f6d65076578616d706c6503636f6d0000010001' +
          '0000291000000000000000',
        'hex',
      );
      query.writeUInt16BE((opcode << 11) | 0x0100, 2);
      const answer = await udpExchange('127.0.0.1', alone.port, query);
      expect(answer?.readUInt16BE(0)).toBe(0xbeef);
      expect(((answer?.[2] ?? 0) >> 3) & 0xf).toBe(opcode);
      expect((answer?.[3] ?? 0) & 0xf).toBe(4);
      expect(answer?.readUInt16BE(4)).toBe(1); // the question
      expect(answer?.readUInt16BE(10)).toBe(1); // our OPT
    },
  );
});

describe('RA (RFC 1035 §4.1.1): recursion available only where it is', () => {
  it('is clear when no forward upstream is configured', async () => {
    expect(await dig(alone.port, ['id.home.example.com'])).toMatch(/flags: qr aa rd;/);
    expect(await dig(alone.port, ['example.org'])).toMatch(/status: REFUSED[\s\S]*flags: qr rd;/);
  });
  it('is set for a client that may recurse, clear for one the ACL refuses', async () => {
    expect(await dig(resolver.port, ['id.home.example.com'])).toMatch(/flags: qr aa rd ra;/);
    expect(await dig(resolver.port, ['example.org'])).toMatch(/flags: qr rd ra;/);
    const refused = await dig(resolver.port, ['-b', '127.0.1.9', 'example.org']);
    expect(refused).toMatch(/status: REFUSED[\s\S]*flags: qr rd;/);
  });
});

describe('TSIG (RFC 8945 §5.2): we hold no keys', () => {
  it('answers a signed query NOTAUTH with an unsigned TSIG carrying BADKEY, over UDP and TCP', async () => {
    for (const proto of ['+notcp', '+tcp']) {
      const out = await dig(alone.port, [proto, '-y', KEY, 'id.home.example.com']);
      expect(status(out)).toBe('NOTAUTH');
      expect(out).toMatch(/horizon-key\.\s+0\s+ANY\s+TSIG\s+hmac-sha256\. \d+ 300 0 \d+ BADKEY 0/);
      expect(out).toMatch(/ANSWER: 0,/);
    }
    expect(await dig(alone.port, ['-y', KEY, 'id.home.example.com'], '127.0.0.1', 'kdig')).toMatch(
      /status: BADKEY/,
    );
  });
  it('answers FORMERR when the TSIG is not the last record', async () => {
    const rdata = Buffer.concat([
      encodeName('hmac-sha256'),
      Buffer.alloc(6 + 2),
      Buffer.from([0, 0, 0xbe, 0xef, 0, 0, 0, 0]),
    ]);
    const tsig = Buffer.concat([
      encodeName('k'),
      Buffer.from([0, 250, 0, 255, 0, 0, 0, 0, 0, rdata.length]),
      rdata,
    ]);
    const opt = Buffer.from('0000291000000000000000', 'hex');
    const query = Buffer.concat([dnsQuery('id.home.example.com', 1, 0xbeef), tsig, opt]);
    query.writeUInt16BE(2, 10);
    expect(((await udpExchange('127.0.0.1', alone.port, query))?.[3] ?? 0) & 0xf).toBe(1);
    const last = Buffer.concat([dnsQuery('id.home.example.com', 1, 0xbeef), opt, tsig]);
    last.writeUInt16BE(2, 10);
    expect(((await udpExchange('127.0.0.1', alone.port, last))?.[3] ?? 0) & 0xf).toBe(9);
  });
});

describe('ANY (RFC 8482 §4.2)', () => {
  it('answers ANY at the apex with one RRset, the SOA', async () => {
    const out = await dig(alone.port, ['+notcp', 'home.example.com', 'ANY']);
    expect(out).toMatch(/ANSWER: 1, AUTHORITY: 0,/); // not NODATA (the SOA would be in authority)
    const rows = answersOf(out);
    expect(rows[0]?.[3]).toBe('SOA');
  });
});
