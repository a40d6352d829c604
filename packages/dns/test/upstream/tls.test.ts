import { type Clock, manualClock, systemClock } from '@horizon/shared';
import { makeTestPki, type TestPki } from '@horizon/test/harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DnsError } from '../../src/errors.ts';
import type { Attempt } from '../../src/upstream/attempt.ts';
import { createDotClient, type DotClient, dotContext } from '../../src/upstream/tls.ts';
import type { CloseReason } from '../../src/upstream/tls-connection.ts';
import { q } from '../replies.ts';
import { echoOf, type FakeDot, startFakeDot } from './tls-server.ts';

let pki: TestPki;
beforeAll(() => {
  pki = makeTestPki([{ name: 'dot.test', ip: '127.0.0.1' }, { name: 'other.test' }]);
});
afterAll(() => pki.remove());

const running: (FakeDot | DotClient)[] = [];
afterAll(async () => {
  for (const r of running) await r.close();
});

/** A fake DoT upstream with the certificate of `name`. */
async function upstream(name: string, onQuery?: Parameters<typeof startFakeDot>[0]['onQuery']) {
  const certs = pki.certs[name];
  const server = await startFakeDot({ key: certs?.key, cert: certs?.cert, onQuery });
  running.push(server);
  return server;
}

/** A client for 127.0.0.1:`port`, trusting the test CA; what it reports, in order. */
function client(
  port: number,
  o: {
    /** The name the certificate must carry; `null`: none, the address must be in it. */
    name?: string | null;
    /** Trust the test CA (default) or only the public roots. */
    trust?: 'test' | 'public';
    pipeline?: number;
    connections?: number;
    queueLimit?: number;
    idleTimeoutMs?: number;
    clock?: Clock;
  } = {},
) {
  const events: string[] = [];
  const c = createDotClient({
    upstream: {
      host: '127.0.0.1',
      port,
      tls: { name: o.name === null ? undefined : (o.name ?? 'dot.test') },
    },
    context: dotContext(o.trust === 'public' ? undefined : [pki.ca]),
    settings: {
      connections: o.connections ?? 2,
      pipeline: o.pipeline ?? 100,
      idleTimeoutMs: o.idleTimeoutMs ?? 10_000,
    },
    queueLimit: o.queueLimit ?? 100,
    clock: o.clock ?? systemClock,
    live: new Set<Attempt>(),
    events: {
      onHandshake: (_, result, error) => events.push(`handshake ${result}${error ? ` ${error.code}` : ''}`),
      onClose: (_, reason: CloseReason, unanswered) => events.push(`close ${reason} ${unanswered}`),
      onUnmatched: () => events.push('unmatched'),
    },
  });
  running.push(c);
  return { c, events };
}

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'answered',
    (err: DnsError) => err.code,
  );
const ask = (c: DotClient, name: string, timeoutMs = 1000) => c.exchange(q(name, 7).raw, timeoutMs);

describe('DNS over TLS to one upstream (tls.ts, tls-connection.ts)', () => {
  it('pipelines many queries on one connection, matched by ID whatever the order of the answers', async () => {
    const held: (() => void)[] = [];
    const server = await upstream('dot.test', (m, _, answer) => {
      held.push(() => answer(echoOf(m)));
      if (held.length === 20) for (const send of held.reverse()) send(); // all at once, last first
    });
    const { c, events } = client(server.port, { connections: 1 });
    const names = Array.from({ length: 20 }, (_, i) => `n${i}.example.org`);
    const replies = await Promise.all(names.map((n) => ask(c, n)));
    // Each reply carries the client's own question: the ID mapping put each answer with its query.
    for (const [i, r] of replies.entries()) expect(r.subarray(12).toString('latin1')).toContain(`n${i}`);
    expect(server.stats.connections).toBe(1);
    expect(events).toEqual(['handshake new']);
  });

  it('bounds queries per connection and connections; past both, queries wait; past the queue, E_UPSTREAM_BUSY', async () => {
    const held: (() => void)[] = [];
    const server = await upstream('dot.test', (m, _, answer) => held.push(() => answer(echoOf(m))));
    const { c } = client(server.port, { pipeline: 3, connections: 2, queueLimit: 4 });
    const asked = Array.from({ length: 12 }, (_, i) => codeOf(ask(c, `p${i}.example.org`, 3000)));
    // 6 on the wire (2 connections x 3), 4 waiting, the last 2 refused at once.
    expect(await Promise.all(asked.slice(10))).toEqual(['E_UPSTREAM_BUSY', 'E_UPSTREAM_BUSY']);
    await waitUntil(() => held.length === 6);
    expect([server.stats.connections, server.stats.maxInFlight, c.connections()]).toEqual([2, 6, 2]);
    // Answering frees room: the waiting ones go on, in order, and never more than 3 per connection.
    while (held.length < 10 || held.length > 0) {
      await waitUntil(() => held.length > 0);
      held.shift()?.();
      if (server.stats.queries === 10 && held.length === 0) break;
    }
    expect(await Promise.all(asked.slice(0, 10))).toEqual(Array(10).fill('answered'));
    expect(server.stats.maxInFlight).toBeLessThanOrEqual(6);
  });

  it('checks the certificate against the name: another name fails the handshake, no query sent', async () => {
    const server = await upstream('other.test');
    const { c, events } = client(server.port);
    expect(await codeOf(ask(c, 'a.example.org'))).toBe('E_UPSTREAM_TLS');
    // Within the backoff, the next query fails at once with the same error, without a new connection.
    expect(await codeOf(ask(c, 'b.example.org'))).toBe('E_UPSTREAM_TLS');
    expect(server.stats.queries).toBe(0);
    expect(events).toEqual(['close handshake 1', 'handshake failed E_UPSTREAM_TLS']);
  });

  it('a certificate from a CA it does not trust fails the same way', async () => {
    const server = await upstream('dot.test');
    const { c } = client(server.port, { trust: 'public' }); // the test CA is not among the public roots
    expect(await codeOf(ask(c, 'a.example.org'))).toBe('E_UPSTREAM_TLS');
  });

  it('without a name, the certificate must carry the address', async () => {
    const server = await upstream('dot.test'); // dot.test's carries IP:127.0.0.1 too
    const { c } = client(server.port, { name: null });
    expect(await codeOf(ask(c, 'a.example.org'))).toBe('answered');
  });

  it('an upstream that accepts and never reads (no handshake): E_UPSTREAM_TLS at the deadline', async () => {
    const server = await startFakeDot({ raw: true });
    running.push(server);
    const { c, events } = client(server.port);
    expect(await codeOf(ask(c, 'a.example.org', 300))).toMatch(/^E_UPSTREAM_(TLS|TIMEOUT)$/);
    await waitUntil(() => events.length >= 2);
    expect(events).toEqual(['close handshake 0', 'handshake failed E_UPSTREAM_TLS']);
  });

  it('an upstream that never answers: the query times out, the stalled connection is closed, the next opens anew', async () => {
    let silent = false;
    const server = await upstream('dot.test', (m, _, answer) => {
      if (!silent) answer(echoOf(m));
    });
    const { c, events } = client(server.port);
    expect(await codeOf(ask(c, 'a.example.org'))).toBe('answered'); // the handshake is out of the way
    silent = true;
    expect(await codeOf(ask(c, 'b.example.org', 200))).toBe('E_UPSTREAM_TIMEOUT');
    expect(events).toEqual(['handshake new', 'close stalled 0']);
    silent = false;
    expect(await codeOf(ask(c, 'c.example.org'))).toBe('answered');
    expect(server.stats.connections).toBe(2);
  });

  it('an upstream that trickles its answer cannot stretch the deadline', async () => {
    const server = await upstream('dot.test', (m, socket) => {
      const bytes = Buffer.concat([Buffer.from([0, m.length]), echoOf(m)]);
      let i = 0;
      const drip = setInterval(() => {
        if (i >= bytes.length || socket.destroyed) return clearInterval(drip);
        socket.write(bytes.subarray(i, i + 1));
        i += 1;
      }, 40);
    });
    const { c } = client(server.port);
    // The whole answer takes about 1.4 s to drip in; the 300 ms deadline ends the query first.
    expect(await codeOf(ask(c, 'a.example.org', 300))).toBe('E_UPSTREAM_TIMEOUT');
  });

  it('closes without answering: the query is sent once more on a new connection, then fails E_UPSTREAM_NO_ANSWER', async () => {
    const server = await upstream('dot.test', (_, socket) => socket.destroy());
    const { c, events } = client(server.port);
    expect(await codeOf(ask(c, 'a.example.org'))).toBe('E_UPSTREAM_NO_ANSWER');
    expect(server.stats.queries).toBe(2);
    expect(events.filter((e) => e.startsWith('close'))).toEqual(['close peer 1', 'close peer 1']);
  });

  it('reconnects when the upstream closed an idle connection', async () => {
    const server = await upstream('dot.test');
    const { c } = client(server.port);
    expect(await codeOf(ask(c, 'a.example.org'))).toBe('answered');
    for (const s of server.sockets) s.end();
    await waitUntil(() => c.connections() === 0);
    expect(await codeOf(ask(c, 'b.example.org'))).toBe('answered');
    expect(server.stats.connections).toBe(2);
  });

  it('a reply with an unknown ID is counted and dropped; the right one still answers', async () => {
    const server = await upstream('dot.test', (m, _, answer) => {
      const stray = echoOf(m);
      stray.writeUInt16BE((m.readUInt16BE(0) + 1) & 0xffff, 0);
      answer(stray);
      answer(echoOf(m));
    });
    const { c, events } = client(server.port);
    expect(await codeOf(ask(c, 'a.example.org'))).toBe('answered');
    expect(events).toContain('unmatched');
  });

  it('garbage (a message that is no response) closes the connection: a defined error, never a wedge', async () => {
    const server = await upstream('dot.test', (m, _, answer) => answer(m)); // QR=0: a query, not a reply
    const { c, events } = client(server.port);
    expect(await codeOf(ask(c, 'a.example.org'))).toBe('E_UPSTREAM_MISMATCH');
    expect(events).toContain('close garbage 1');
  });

  it('a 65,535-byte message is read whole and answers its query', async () => {
    const server = await upstream('dot.test', (m, _, answer) => {
      const big = Buffer.alloc(65_535); // the question, then zeros: ARCOUNT 0, so ignored
      echoOf(m).copy(big);
      answer(big);
    });
    const { c } = client(server.port);
    const reply = await ask(c, 'a.example.org');
    expect(reply.length).toBe(65_535);
  });

  it('closes a connection idle for idleTimeoutMs, and resumes the TLS session on the next', async () => {
    const time = manualClock();
    const server = await upstream('dot.test');
    const { c, events } = client(server.port, { idleTimeoutMs: 5_000, clock: time });
    expect(await codeOf(ask(c, 'a.example.org'))).toBe('answered');
    time.advance(4_999);
    await new Promise((r) => setImmediate(r));
    expect(c.connections()).toBe(1);
    time.advance(1);
    await waitUntil(() => c.connections() === 0);
    expect(await codeOf(ask(c, 'b.example.org'))).toBe('answered');
    expect(events.filter((e) => e !== 'handshake new')).toEqual(['close idle 0', 'handshake resumed']);
  });

  it('close() ends every query waiting or in flight with E_UPSTREAM_CLOSED, and later ones at once', async () => {
    const server = await upstream('dot.test', () => undefined);
    const { c } = client(server.port, { pipeline: 1, connections: 1 });
    const asked = [codeOf(ask(c, 'a.example.org')), codeOf(ask(c, 'b.example.org'))];
    await waitUntil(() => server.stats.queries === 1);
    c.close();
    expect(await Promise.all(asked)).toEqual(['E_UPSTREAM_CLOSED', 'E_UPSTREAM_CLOSED']);
    expect(await codeOf(ask(c, 'c.example.org'))).toBe('E_UPSTREAM_CLOSED');
  });
});

/** Waits for a condition the sockets will bring about (a few event-loop turns each). */
async function waitUntil(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i += 1) await new Promise((r) => setTimeout(r, 5));
  expect(condition()).toBe(true);
}
