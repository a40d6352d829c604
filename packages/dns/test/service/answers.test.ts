import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { type GatewayApiSource, snapshotOf } from '@horizon/shared';
import { waitFor } from '@horizon/test/harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricValue, testConfig } from '../basics.ts';
import { answersOf, dig, manifests, startDns, status, writeRoute } from '../helpers.ts';

let dns: Awaited<ReturnType<typeof startDns>>;
let dir: string;
beforeAll(async () => {
  dir = manifests({ unifi: ['unifi.home.example.com'], apps: ['*.apps.home.example.com'] }, [
    '10.90.3.202',
    'fd00::202',
  ]);
  writeRoute(dir, 'big', ['big.home.example.com']);
  dns = await startDns(
    testConfig({
      'source.manifests': dir,
      gateways: [{ ref: 'network/internal', addresses: [] }],
      views: [
        { name: 'tailnet', cidrs: ['127.0.100.0/24'], addresses: { 'network/internal': ['100.100.3.202'] } },
      ],
      'acl.allow': ['127.0.0.1/32', '127.0.1.0/24', '127.0.100.0/24', '::1/128'],
      reverseZones: ['3.90.10.in-addr.arpa'],
    }),
  );
});
afterAll(() => dns.stop());

describe('UDP size limits', () => {
  it('truncates at an RRset boundary with TC (512 without EDNS, the client size with it) and TCP gets it all', async () => {
    const many = Array.from({ length: 60 }, (_, i) => `10.90.4.${i + 1}`);
    const big = await startDns(
      testConfig({ 'source.manifests': manifests({ big: ['big.home.example.com'] }, many) }),
    );
    try {
      const classic = await dig(big.port, ['+noedns', '+ignore', 'big.home.example.com']);
      expect(classic).toMatch(/flags: qr aa tc rd;/);
      expect(classic).toMatch(/ANSWER: 0,/); // one RRset of 60 does not fit: none of it is sent
      const small = await dig(big.port, ['+bufsize=512', '+ignore', 'big.home.example.com']);
      expect(small).toMatch(/flags: qr aa tc rd;/);
      const large = await dig(big.port, ['+bufsize=4096', 'big.home.example.com']);
      expect(large).not.toMatch(/ tc /);
      expect(answersOf(large)).toHaveLength(60); // 60 x 16 bytes fit in 1232
      expect(answersOf(await dig(big.port, ['+noedns', 'big.home.example.com']))).toHaveLength(60); // dig retried over TCP
    } finally {
      await big.stop();
    }
  });
});

describe('authoritative answers with dig and kdig', () => {
  it('answers A and AAAA with AA, echoes the 0x20 case and EDNS', async () => {
    const out = await dig(dns.port, ['UnIfI.Home.Example.COM', 'A']);
    expect(status(out)).toBe('NOERROR');
    expect(out).toMatch(/flags: qr aa rd;/);
    expect(out).toContain('EDNS: version: 0');
    expect(out).toContain('udp: 1232');
    expect(answersOf(out)).toEqual([['UnIfI.Home.Example.COM.', '30', 'IN', 'A', '10.90.3.202']]);
    expect(answersOf(await dig(dns.port, ['+short', 'unifi.home.example.com', 'AAAA']))).toEqual([
      ['fd00::202'],
    ]);
  });

  it('answers every other type of a served name with NODATA and the SOA, not upstream', async () => {
    for (const type of ['HTTPS', 'SVCB', 'TXT', 'MX', 'CAA', 'SRV']) {
      const out = await dig(dns.port, ['unifi.home.example.com', type]);
      expect(status(out)).toBe('NOERROR');
      expect(out).toMatch(/ANSWER: 0, AUTHORITY: 1/);
      expect(out).toMatch(
        /home\.example\.com\.\s+30\s+IN\s+SOA\s+ns\.home\.example\.com\. hostmaster\.home\.example\.com\. \d+ 3600 600 86400 30/,
      );
    }
  });

  it('answers ANY minimally (RFC 8482), the apex SOA and NS, and NXDOMAIN with the SOA', async () => {
    expect(answersOf(await dig(dns.port, ['unifi.home.example.com', 'ANY']))).toHaveLength(1);
    expect(answersOf(await dig(dns.port, ['+short', 'home.example.com', 'NS']))).toEqual([
      ['ns.home.example.com.'],
    ]);
    const nx = await dig(dns.port, ['nothing.home.example.com']);
    expect(status(nx)).toBe('NXDOMAIN');
    expect(nx).toMatch(/AUTHORITY: 1/);
    expect(status(await dig(dns.port, ['x.y.apps.home.example.com']))).toBe('NOERROR');
    expect(status(await dig(dns.port, ['apps.home.example.com']))).toBe('NOERROR'); // an empty non-terminal
  });

  it('serves UDP and TCP on IPv4 and IPv6, and kdig agrees', async () => {
    for (const server of ['127.0.0.1', '::1']) {
      for (const proto of ['+notcp', '+tcp']) {
        expect(answersOf(await dig(dns.port, ['+short', proto, 'unifi.home.example.com'], server))).toEqual([
          ['10.90.3.202'],
        ]);
      }
    }
    const k = await dig(dns.port, ['+short', '+tcp', 'unifi.home.example.com'], '127.0.0.1', 'kdig');
    expect(k.trim()).toBe('10.90.3.202');
  });

  it('answers PTR for the gateway address in the reverse zone', async () => {
    expect(answersOf(await dig(dns.port, ['+short', '-x', '10.90.3.202']))).toEqual([
      ['big.home.example.com.'],
      ['unifi.home.example.com.'],
    ]);
  });

  it('gives a tailnet client its view, a LAN client the default, and refuses others', async () => {
    expect((await dig(dns.port, ['+short', '-b', '127.0.100.7', 'unifi.home.example.com'])).trim()).toBe(
      '100.100.3.202',
    );
    expect((await dig(dns.port, ['+short', '-b', '127.0.1.7', 'unifi.home.example.com'])).trim()).toBe(
      '10.90.3.202',
    );
    const refused = await metricValue(dns.registry, 'horizon_dns_acl_refused_total');
    expect(status(await dig(dns.port, ['-b', '127.0.2.7', 'unifi.home.example.com']))).toBe('REFUSED');
    expect(await metricValue(dns.registry, 'horizon_dns_acl_refused_total')).toBe(refused + 1);
  });

  it('answers BADVERS to EDNS version 1, and no OPT to a client without EDNS', async () => {
    // +noednsneg: dig would otherwise retry with version 0 and show that answer.
    expect(status(await dig(dns.port, ['+edns=1', '+noednsneg', 'unifi.home.example.com']))).toBe('BADVERS');
    expect(await dig(dns.port, ['+noedns', 'unifi.home.example.com'])).not.toContain('OPT PSEUDOSECTION');
  });

  it('shows a route added, changed and removed in answers within 1 s', async () => {
    const answer = async () => (await dig(dns.port, ['+short', 'new.home.example.com'])).trim();
    writeRoute(dir, 'new', ['new.home.example.com']);
    await waitFor('the new route', async () => (await answer()) === '10.90.3.202', { timeoutMs: 1000 });
    writeRoute(dir, 'new', ['renamed.home.example.com']);
    await waitFor('the renamed route', async () => (await answer()) === '', { timeoutMs: 1000 });
    expect(status(await dig(dns.port, ['new.home.example.com']))).toBe('NXDOMAIN');
  });
});

describe('request metrics', () => {
  it('counts each request by proto, family and type, each response by rcode, and its duration', async () => {
    const read = () =>
      Promise.all([
        metricValue(dns.registry, 'horizon_dns_requests_total', { proto: 'udp', family: '1', type: 'AAAA' }),
        metricValue(dns.registry, 'horizon_dns_requests_total', { proto: 'tcp', family: '2', type: 'A' }),
        metricValue(dns.registry, 'horizon_dns_responses_total', { rcode: 'NXDOMAIN' }),
        metricValue(dns.registry, 'horizon_dns_request_duration_seconds_count', { type: 'A' }),
      ]);
    const before = await read();
    await dig(dns.port, ['+notcp', 'unifi.home.example.com', 'AAAA']);
    await dig(dns.port, ['+tcp', 'nothing.home.example.com', 'A'], '::1');
    const after = await read();
    expect(after.map((v, i) => v - (before[i] ?? 0))).toEqual([1, 1, 1, 1]);
  });
});

describe('the wire, packet by packet', () => {
  /**
   * Sends `packet` and then a query answered at once from the index (ID 0xfeed). The server
   * answers datagrams in the order they come, so the first datagram back is the answer to
   * `packet`, or the probe's when nothing was sent for `packet` (then null).
   */
  const udp = (packet: Buffer): Promise<Buffer | null> =>
    new Promise((resolve) => {
      const s = createSocket('udp4');
      s.on('message', (m) => {
        s.close();
        resolve(m.length > 1 && m.readUInt16BE(0) === 0xfeed ? null : m);
      });
      s.send(packet, dns.port, '127.0.0.1');
      s.send(query('unifi.home.example.com', { id: 0xfeed }), dns.port, '127.0.0.1');
    });
  const query = (name: string, opts: { id?: number; flags?: number; qd?: number; type?: number } = {}) => {
    const labels = name.split('.').map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)]));
    const h = Buffer.alloc(12);
    h.writeUInt16BE(opts.id ?? 0xbeef, 0);
    h.writeUInt16BE(opts.flags ?? 0x0100, 2);
    h.writeUInt16BE(opts.qd ?? 1, 4);
    return Buffer.concat([h, ...labels, Buffer.from([0, 0, opts.type ?? 1, 0, 1])]);
  };
  const rcode = (m: Buffer | null) => (m ? (m[3] ?? 0) & 0xf : -1);

  it('drops responses (QR=1) and runts, and answers nothing for them', async () => {
    expect(await udp(query('unifi.home.example.com', { flags: 0x8100 }))).toBeNull();
    expect(await udp(Buffer.from([1, 2, 3]))).toBeNull();
  });
  it('answers NOTIMP to other opcodes and FORMERR to two questions or the 18-byte pointer loop', async () => {
    const update = await udp(query('home.example.com', { flags: 5 << 11 }));
    expect(rcode(update)).toBe(4);
    expect(update?.readUInt16BE(0)).toBe(0xbeef);
    expect(rcode(await udp(query('unifi.home.example.com', { qd: 2 })))).toBe(1);
    expect(rcode(await udp(Buffer.from('123401000001000000000000c00c00010001', 'hex')))).toBe(1);
    expect(rcode(await udp(query('unifi.home.example.com').subarray(0, 20)))).toBe(1);
  });
  it('answers several queries on one TCP connection, each as it is ready', async () => {
    const names = ['unifi.home.example.com', 'nothing.home.example.com', 'a.apps.home.example.com'];
    const replies = await new Promise<Buffer[]>((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port: dns.port });
      let buf = Buffer.alloc(0);
      const got: Buffer[] = [];
      socket.on('connect', () => {
        // All three in one write: pipelined.
        socket.write(
          Buffer.concat(
            names.map((n, i) => {
              const q = query(n, { id: i + 1 });
              const len = Buffer.alloc(2);
              len.writeUInt16BE(q.length);
              return Buffer.concat([len, q]);
            }),
          ),
        );
      });
      socket.on('data', (d) => {
        buf = Buffer.concat([buf, d]);
        while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
          got.push(buf.subarray(2, 2 + buf.readUInt16BE(0)));
          buf = buf.subarray(2 + buf.readUInt16BE(0));
        }
        if (got.length === names.length) {
          socket.end();
          resolve(got);
        }
      });
      socket.on('error', reject);
    });
    expect(replies.map((r) => r.readUInt16BE(0)).sort()).toEqual([1, 2, 3]);
    expect(replies.map((r) => rcode(r)).sort()).toEqual([0, 0, 3]);
  });
});

describe('before the first sync', () => {
  it('answers SERVFAIL for zone names (never a false NXDOMAIN) and refuses other names', async () => {
    const never: GatewayApiSource = {
      start: async () => undefined,
      stop: async () => undefined,
      synced: () => false,
      stalenessSeconds: () => Number.POSITIVE_INFINITY,
      snapshot: () => snapshotOf(0),
      onChange: () => () => undefined,
    };
    const unsynced = await startDns(testConfig(), never);
    try {
      expect(status(await dig(unsynced.port, ['unifi.home.example.com']))).toBe('SERVFAIL');
      expect(status(await dig(unsynced.port, ['nothing.home.example.com']))).toBe('SERVFAIL');
      expect(status(await dig(unsynced.port, ['example.org']))).toBe('REFUSED');
      expect(unsynced.dns.ready()).toBe(false);
    } finally {
      await unsynced.stop();
    }
  });
});
