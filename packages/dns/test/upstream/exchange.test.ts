import { createSocket } from 'node:dgram';
import { type FakeUpstream, startFakeUpstream, waitFor } from '@horizon/test/harness';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createExchanger } from '../../src/upstream/exchange.ts';

const sockets: ReturnType<typeof createSocket>[] = [];
afterEach(() => {
  for (const s of sockets.splice(0)) s.close();
});
const bind = async () => {
  const s = createSocket('udp4');
  sockets.push(s);
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  return s;
};
const question = (name: string) =>
  Buffer.concat([
    ...name.split('.').map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)])),
    Buffer.from([0, 0, 1, 0, 1]),
  ]);
const query = (name: string) =>
  Buffer.concat([Buffer.from([0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]), question(name)]);

it('accepts only a reply from the address it asked, with its random ID and its question', async () => {
  const upstream = await bind();
  const other = await bind();
  const asked: { id: number; port: number; question: Buffer }[] = [];
  upstream.on('message', (msg, rinfo) =>
    asked.push({ id: msg.readUInt16BE(0), port: rinfo.port, question: msg }),
  );
  const reply = (to: { question: Buffer }, withId: number, name: string) => {
    const r = Buffer.concat([Buffer.from(to.question.subarray(0, 12)), question(name)]);
    r.writeUInt16BE(withId, 0);
    r[2] = (r[2] ?? 0) | 0x80;
    return r;
  };
  let spoofed = 0;
  const exchanger = createExchanger({ onSpoofed: () => (spoofed += 1) });
  try {
    const answers = Promise.all(
      [0, 1, 2].map(() => exchanger.udp('127.0.0.1', upstream.address().port, query('a.example.org'), 5000)),
    );
    await waitFor('the three queries', () => asked.length === 3);
    for (const a of asked) {
      other.send(reply(a, a.id, 'a.example.org'), a.port, '127.0.0.1'); // right ID, wrong source port
      upstream.send(reply(a, (a.id + 1) % 65536, 'a.example.org'), a.port, '127.0.0.1'); // wrong ID
      upstream.send(reply(a, a.id, 'b.example.org'), a.port, '127.0.0.1'); // wrong question
    }
    // 3 wrong IDs and 3 wrong questions; the 3 from another port never reach us (connected socket).
    await waitFor('the six spoofed replies dropped', () => spoofed === 6);
    for (const a of asked) upstream.send(reply(a, a.id, 'A.Example.org'), a.port, '127.0.0.1'); // 0x20 case is fine
    for (const a of await answers)
      expect(a.subarray(12).toString('latin1').toLowerCase()).toContain('example');
    expect(spoofed).toBe(6);
    expect(new Set(asked.map((a) => a.id)).size).toBe(3); // a fresh random ID per query
  } finally {
    exchanger.close();
  }
});

it('times out, and rejects pending queries on close', async () => {
  const silent = await bind();
  const exchanger = createExchanger();
  await expect(
    exchanger.udp('127.0.0.1', silent.address().port, query('x.example.org'), 100),
  ).rejects.toMatchObject({ code: 'E_UPSTREAM_TIMEOUT' });
  const pending = exchanger.udp('127.0.0.1', silent.address().port, query('y.example.org'), 5000);
  exchanger.close();
  await expect(pending).rejects.toMatchObject({ code: 'E_UPSTREAM_CLOSED' });
});

describe('TCP exchanges settle however the upstream ends them', () => {
  let upstream: FakeUpstream;
  beforeAll(async () => {
    upstream = await startFakeUpstream();
  });
  afterAll(() => upstream.stop());

  // A 60 s timeout: the exchange must end on the close itself, not on the timer.
  it.each(['tc-close', 'tc-partial', 'tc-reset'])(
    '%s: rejects as soon as the connection ends',
    async (how) => {
      const exchanger = createExchanger();
      try {
        await expect(
          exchanger.tcp(upstream.host, upstream.port, query(`${how}.example.org`), 60_000),
        ).rejects.toMatchObject({ code: how === 'tc-reset' ? 'E_UPSTREAM_SEND' : 'E_UPSTREAM_NO_ANSWER' });
      } finally {
        exchanger.close();
      }
    },
    10_000,
  );

  it('rejects a TCP exchange still waiting when the exchanger closes', async () => {
    const exchanger = createExchanger();
    const pending = exchanger.tcp(upstream.host, upstream.port, query('tc-hang.example.org'), 60_000);
    await waitFor('the query to arrive', () =>
      upstream.queries.some((q) => q.name === 'tc-hang.example.org'),
    );
    exchanger.close();
    await expect(pending).rejects.toMatchObject({ code: 'E_UPSTREAM_CLOSED' });
  }, 10_000);
});

it('sends every UDP query from a socket of its own on a random source port (RFC 5452 §9.2)', async () => {
  const upstream = await startFakeUpstream();
  const exchanger = createExchanger();
  try {
    for (let batch = 0; batch < 6; batch += 1) {
      await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          exchanger.udp(upstream.host, upstream.port, query(`p${batch}-${i}.example.org`), 2000),
        ),
      );
    }
    const ports = upstream.udpSourcePorts;
    expect(ports).toHaveLength(300);
    // Drawn from the kernel's ~28,000 ephemeral ports: a few repeats by chance, never a small set.
    expect(new Set(ports).size).toBeGreaterThan(280);
  } finally {
    exchanger.close();
    await upstream.stop();
  }
});

it('an exchange that ends before its socket has connected never sends on the closed socket', async () => {
  const silent = await bind();
  const exchanger = createExchanger();
  const pending = Array.from({ length: 50 }, () =>
    exchanger.udp('127.0.0.1', silent.address().port, query('early.example.org'), 5000),
  );
  exchanger.close(); // before any connect callback has run
  for (const p of pending) await expect(p).rejects.toMatchObject({ code: 'E_UPSTREAM_CLOSED' });
  // A later exchange, on a socket made after theirs, answered: the event loop has run their bind
  // and connect steps by then, and none threw (that would fail the test as an uncaught error).
  const upstream = await startFakeUpstream();
  const later = createExchanger();
  try {
    await later.udp(upstream.host, upstream.port, query('later.example.org'), 5000);
  } finally {
    later.close();
    await upstream.stop();
  }
});
