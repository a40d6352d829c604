import { describe, expect, it } from 'vitest';
import { createLoop, createLoopGuard } from '../../src/handlers/loop.ts';
import type { UpstreamPool } from '../../src/upstream/pool.ts';
import { RCODE } from '../../src/wire/constants.ts';
import { upstreamQuery } from '../../src/wire/message.ts';
import { parseQuery, type Query } from '../../src/wire/query.ts';
import { logger } from '../basics.ts';
import { queryOf } from '../queries.ts';

/** A pool that keeps what it is sent, and answers only when the test says so. */
function heldPool() {
  const sent: Buffer[] = [];
  const answers: (() => void)[] = [];
  const pool: UpstreamPool = {
    upstreams: [],
    allDown: () => false,
    exchange: (query) =>
      new Promise<Buffer>((resolve) => {
        sent.push(query);
        answers.push(() => resolve(Buffer.from('reply')));
      }),
  };
  const answerAll = () => {
    for (const answer of answers.splice(0)) answer();
  };
  return { pool, sent, answerAll };
}
/** The query as it would arrive back at us: the bytes we sent upstream, parsed, as a zone miss. */
const cameBack = (sent: Buffer): Query => {
  const q = parseQuery(sent, { address: '127.0.0.2', port: 53 }, 'udp');
  if ('kind' in q) throw new Error('not a query');
  return { ...q, zoneMiss: true };
};
const next = () => Buffer.from('next');
const rcode = (r: unknown) => ((r as Buffer)[3] ?? 0) & 0xf;
const missing = queryOf('missing.home.example.com');
/** Lets the wrapper's `finally` run after the pool answered. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('loop guard: marking what leaves through the zone-miss pool', () => {
  it("sends each query with a random letter case on its name, the name and the caller's bytes unchanged otherwise", async () => {
    const held = heldPool();
    const marked = createLoopGuard().wrap(held.pool);
    const query = upstreamQuery(missing, 0);
    const original = Buffer.from(query);
    for (let i = 0; i < 20; i += 1) void marked.exchange(query);
    expect(query).toEqual(original); // a copy is marked, never the caller's buffer
    const names = held.sent.map((s) => s.toString('latin1', 13, missing.questionEnd - 5));
    for (const name of names) expect(name.toLowerCase()).toBe('missing\x04home\x07example\x03com');
    expect(new Set(names).size).toBeGreaterThan(15); // 2^21 patterns: repeats are rare
    held.answerAll();
  });

  it('passes the pool on as it is otherwise', async () => {
    const held = heldPool();
    const marked = createLoopGuard().wrap(held.pool);
    expect(marked.upstreams).toBe(held.pool.upstreams);
    expect(marked.allDown()).toBe(false);
    const reply = marked.exchange(upstreamQuery(missing, 0));
    held.answerAll();
    expect(await reply).toEqual(Buffer.from('reply'));
  });
});

describe('loop handler', () => {
  it('answers SERVFAIL to our own query coming back while ours is in flight, counts it, logs once', async () => {
    const held = heldPool();
    const guard = createLoopGuard();
    let loops = 0;
    const loop = createLoop({ guard, logger, onLoop: () => (loops += 1) });
    void guard.wrap(held.pool).exchange(upstreamQuery(missing, 0));
    const sent = held.sent[0] as Buffer;
    expect(rcode(loop(cameBack(sent), next))).toBe(RCODE.SERVFAIL);
    expect(rcode(loop(cameBack(sent), next))).toBe(RCODE.SERVFAIL);
    expect(loops).toBe(2);
    held.answerAll();
    await settle();
    expect(loop(cameBack(sent), next)).toEqual(Buffer.from('next')); // ours is done: not a loop
  });

  it('lets other queries through: not zone misses, other spellings, and before anything left', () => {
    const held = heldPool();
    const guard = createLoopGuard();
    const loop = createLoop({ guard, logger });
    expect(loop({ ...missing, zoneMiss: true }, next)).toEqual(Buffer.from('next'));
    void guard.wrap(held.pool).exchange(upstreamQuery(missing, 0));
    const sent = held.sent[0] as Buffer;
    expect(loop({ ...cameBack(sent), zoneMiss: undefined }, next)).toEqual(Buffer.from('next')); // not a zone miss
    const other = Buffer.from(sent);
    other[13] = (other[13] ?? 0) ^ 0x20; // the same name in another case: a client's, not ours
    expect(loop(cameBack(other), next)).toEqual(Buffer.from('next'));
  });

  it('counts two identical spellings in flight: one settling does not forget the other', async () => {
    const guard = createLoopGuard();
    const loop = createLoop({ guard, logger });
    const digits = queryOf('42.7.1.1'); // no letters: one spelling only
    const first = heldPool();
    const second = heldPool();
    void guard.wrap(first.pool).exchange(upstreamQuery(digits, 0));
    void guard.wrap(second.pool).exchange(upstreamQuery(digits, 0));
    const sent = first.sent[0] as Buffer;
    expect(sent.equals(second.sent[0] as Buffer)).toBe(true);
    first.answerAll();
    await settle();
    expect(rcode(loop(cameBack(sent), next))).toBe(RCODE.SERVFAIL);
    second.answerAll();
    await settle();
    expect(loop(cameBack(sent), next)).toEqual(Buffer.from('next'));
  });
});
