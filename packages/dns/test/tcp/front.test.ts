import { type FakeUpstream, manualClock, startFakeUpstream, waitFor } from '@horizon/test/harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricValue, testConfig } from '../basics.ts';
import { manifests, startDns } from '../helpers.ts';
import { type TcpClient, tcpClient, tcpQuery } from '../tcp-client.ts';

// Every deadline here runs on a fake clock: the test moves time, the server's sweep closes what
// is due, and the test waits for the close itself.
const many = Array.from({ length: 60 }, (_, i) => `10.90.4.${i + 1}`); // a ~1 KB answer over TCP
let upstream: FakeUpstream;
let time: ReturnType<typeof manualClock>;
let dns: Awaited<ReturnType<typeof startDns>>;
beforeAll(async () => {
  upstream = await startFakeUpstream();
  time = manualClock();
  dns = await startDns(
    testConfig({
      'source.manifests': manifests({ unifi: ['unifi.home.example.com'] }, many),
      'forward.upstreams': [`${upstream.host}:${upstream.port}`],
      'forward.timeoutMs': 30_000,
      'tcp.maxConnectionsPerClient': 4,
      'tcp.maxConnections': 12,
      'tcp.pipeline': 8,
    }),
    undefined,
    {},
    { clock: time },
  );
});
afterAll(async () => {
  await dns.stop();
  await upstream.stop();
});
const metric = (name: string) => metricValue(dns.registry, name);
const closedBy = async (reason: string) => {
  const text = await dns.registry.metrics();
  return Number(
    new RegExp(`horizon_dns_tcp_closed_total\\{reason="${reason}"[^}]*\\} (\\d+)`).exec(text)?.[1] ?? 0,
  );
};
/** Moves the fake clock in steps until `client` is closed; returns the fake time that took. */
const advanceUntilClosed = async (client: TcpClient, stepMs: number, each?: () => void) => {
  const from = time.now();
  await waitFor('the server to close the connection', () => {
    each?.();
    time.advance(stepMs);
    return client.isClosed();
  });
  return time.now() - from;
};

describe('messages that are not queries', () => {
  it.each([
    ['a runt frame', Buffer.from([0, 1, 0])],
    ['a frame of 1 byte', Buffer.from([0, 1, 0x12])],
    ['a response (QR=1)', tcpQuery('unifi.home.example.com').fill(0x81, 4, 5)],
  ])('%s ends the connection (no answer would ever come)', async (_, bytes) => {
    const client = await tcpClient(dns.port);
    client.send(bytes, true);
    await client.closed;
    expect(client.answers).toHaveLength(0);
  });
});

describe('deadlines', () => {
  it('closes a trickle once a message is not whole within frameTimeoutMs of its first byte', async () => {
    const before = await closedBy('frame_timeout');
    const client = await tcpClient(dns.port);
    const query = tcpQuery('unifi.home.example.com');
    let sent = 0;
    const took = await advanceUntilClosed(client, 250, () => {
      if (sent < query.length) client.send(query.subarray(sent, ++sent), true); // one byte per 250 ms
    });
    expect(took).toBeGreaterThanOrEqual(2000);
    expect(took).toBeLessThanOrEqual(3000);
    expect(await closedBy('frame_timeout')).toBe(before + 1);
  });

  it('closes a connection that owes nothing after idleTimeoutMs', async () => {
    const before = await closedBy('idle');
    const client = await tcpClient(dns.port);
    client.send(tcpQuery('unifi.home.example.com', 7), true);
    await waitFor('the answer', () => client.answers.length === 1);
    const took = await advanceUntilClosed(client, 500);
    expect(took).toBeGreaterThanOrEqual(10_000);
    expect(took).toBeLessThanOrEqual(11_000);
    expect(await closedBy('idle')).toBe(before + 1);
  });
});

describe('connection limits', () => {
  it("per client: a new connection replaces the client's longest-idle one, and is refused when all are busy", async () => {
    const from = { localAddress: '127.0.1.5' };
    const idle = await Promise.all(Array.from({ length: 4 }, () => tcpClient(dns.port, from)));
    const fifth = await tcpClient(dns.port, from);
    await idle[0]?.closed; // the oldest idle one made room
    fifth.send(tcpQuery('unifi.home.example.com', 5), true);
    await waitFor('an answer on the new connection', () => fifth.answers.length === 1);
    // Now four connections each waiting on an upstream that never answers: none can be evicted.
    const busy = [...idle.slice(1), fifth];
    for (const [i, c] of busy.entries()) c.send(tcpQuery(`silent.b${i}.example.org`, i), true);
    await waitFor(
      'the four queries upstream',
      () => upstream.queries.filter((q) => q.name.startsWith('silent.b')).length === 4,
    );
    const refused = await tcpClient(dns.port, from);
    await refused.closed;
    expect(await metric('horizon_dns_tcp_refused_total')).toBe(1);
    // Another client is not affected.
    const other = await tcpClient(dns.port, { localAddress: '127.0.1.6' });
    other.send(tcpQuery('unifi.home.example.com', 6), true);
    await waitFor('an answer for another client', () => other.answers.length === 1);
    for (const c of [...busy, other]) c.socket.destroy();
    // The four forwards end at their deadline (forward.timeoutMs), and with them their connections.
    time.advance(30_000);
    await waitFor(
      'their connections closed',
      async () => (await metric('horizon_dns_tcp_connections')) === 0,
    );
  });

  it('in all: idle connections from many clients cannot lock out a new one', async () => {
    // The connections the test before closed are gone on our side too: the 12 below are all there is.
    await waitFor('no connection left', async () => (await metric('horizon_dns_tcp_connections')) === 0);
    const before = await closedBy('evicted');
    const hold = await Promise.all(
      Array.from({ length: 12 }, (_, i) => tcpClient(dns.port, { localAddress: `127.0.2.${1 + (i % 4)}` })),
    );
    await waitFor('12 connections', async () => (await metric('horizon_dns_tcp_connections')) === 12);
    const late = await tcpClient(dns.port, { localAddress: '127.0.2.99' });
    late.send(tcpQuery('unifi.home.example.com', 9), true);
    await waitFor('an answer for the late client', () => late.answers.length === 1);
    await hold[0]?.closed; // the longest idle
    expect(await closedBy('evicted')).toBe(before + 1);
    for (const c of [...hold, late]) c.socket.destroy();
  });
});

describe('backpressure', () => {
  it('stops reading a client that pipelines and never reads: what it holds stays within its pipeline', async () => {
    const client = await tcpClient(dns.port, { read: false, localAddress: '127.0.3.1' });
    const queries = Buffer.concat(
      Array.from({ length: 20_000 }, (_, i) => tcpQuery('unifi.home.example.com', i)),
    );
    client.socket.write(queries); // ~20 MB of answers if all were answered
    await waitFor(
      'the server to stop reading it',
      async () => (await metric('horizon_dns_tcp_paused_connections')) === 1,
      {
        timeoutMs: 10_000,
      },
    );
    const answered = await metric('horizon_dns_requests_total');
    expect(answered).toBeLessThan(10_000); // kernel buffers hold some; the rest was never read
    // Its answers not yet taken: one socket buffer (16 KiB) and at most one pipeline of answers.
    expect(await metric('horizon_dns_tcp_unsent_bytes')).toBeLessThan(16 * 1024 + 8 * 1100);
    // Once it reads, every query is answered: nothing was dropped, only not read yet.
    client.socket.resume();
    await waitFor('all 20,000 answers', () => client.answers.length === 20_000, { timeoutMs: 20_000 });
    client.socket.destroy();
  }, 40_000);

  it('holds at most a pipeline of large forwarded answers for a client that never reads, and frees them when it goes', async () => {
    const client = await tcpClient(dns.port, { read: false, localAddress: '127.0.3.3' });
    // Each answer an 8.5 KB TXT record from the cache: 17 MB if all 2,000 were answered.
    client.socket.write(
      Buffer.concat(Array.from({ length: 2000 }, (_, i) => tcpQuery('big.example.org', i, 16))),
    );
    await waitFor('backpressure', async () => (await metric('horizon_dns_tcp_paused_connections')) === 1, {
      timeoutMs: 10_000,
    });
    expect(await metric('horizon_dns_tcp_unsent_bytes')).toBeLessThan(16 * 1024 + 8 * 8700);
    client.socket.destroy();
    await waitFor('its answers freed', async () => (await metric('horizon_dns_tcp_unsent_bytes')) === 0);
  });

  it('closes a client that does not take its answers for idleTimeoutMs', async () => {
    const client = await tcpClient(dns.port, { read: false, localAddress: '127.0.3.2' });
    client.socket.write(
      Buffer.concat(Array.from({ length: 20_000 }, (_, i) => tcpQuery('unifi.home.example.com', i))),
    );
    await waitFor('backpressure', async () => (await metric('horizon_dns_tcp_paused_connections')) === 1, {
      timeoutMs: 10_000,
    });
    const before = await closedBy('write_stall');
    await waitFor('the stalled connection to be closed', async () => {
      time.advance(1000);
      return (await closedBy('write_stall')) === before + 1;
    });
    expect(await metric('horizon_dns_tcp_unsent_bytes')).toBe(0);
    client.socket.destroy();
  }, 20_000);
});

describe('the unsent budget', () => {
  it('closes the connections holding the most unread answers once all of them hold more than maxUnsentBytes', async () => {
    const small = await startDns(
      testConfig({
        'source.manifests': manifests({ unifi: ['unifi.home.example.com'] }, many),
        'tcp.maxUnsentBytes': 65536,
      }),
    );
    try {
      const value = (name: string) => metricValue(small.registry, name);
      const clients = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          tcpClient(small.port, { read: false, localAddress: `127.0.4.${i + 1}` }),
        ),
      );
      const queries = Buffer.concat(
        Array.from({ length: 20_000 }, (_, i) => tcpQuery('unifi.home.example.com', i)),
      );
      for (const c of clients) c.socket.write(queries);
      await waitFor(
        'connections closed over the budget',
        async () => (await value('horizon_dns_tcp_closed_total')) >= 1,
        {
          timeoutMs: 10_000,
        },
      );
      expect(await value('horizon_dns_tcp_unsent_bytes')).toBeLessThanOrEqual(65536 + 1100);
      for (const c of clients) c.socket.destroy();
    } finally {
      await small.stop();
    }
  });
});

describe('half-close', () => {
  it('answers a client that shuts down its sending side after its queries, forwarded ones included', async () => {
    const client = await tcpClient(dns.port);
    client.send(tcpQuery('half.example.org', 1), true); // a cache miss: answered after the FIN arrives
    client.send(tcpQuery('unifi.home.example.com', 2), true);
    client.socket.end();
    await client.closed;
    expect(client.answers.map((a) => a.readUInt16BE(0)).sort()).toEqual([1, 2]);
  });
});
