import { describe, expect, it } from 'vitest';
import { createLoopGuard } from '../src/handlers/loop.ts';
import { RCODE } from '../src/wire/constants.ts';
import { upstreamQuery } from '../src/wire/message.ts';
import { parseQuery, type Query } from '../src/wire/query.ts';
import { logger } from './helpers.ts';
import { queryOf } from './queries.ts';

/** The query as it would arrive back at us: the bytes we sent upstream, parsed, marked zone-miss. */
const cameBack = (sent: Buffer): Query => {
  const q = parseQuery(sent, { address: '127.0.0.2', port: 53 }, 'udp');
  if ('kind' in q) throw new Error('not a query');
  return { ...q, zoneMiss: true };
};
const next = () => Buffer.from('next');
const rcode = (r: unknown) => ((r as Buffer)[3] ?? 0) & 0xf;

describe('loop guard', () => {
  it('marks an outgoing zone-miss query with a random letter case, the name unchanged otherwise', () => {
    const guard = createLoopGuard({ logger });
    const spellings = new Set<string>();
    for (let i = 0; i < 20; i += 1) {
      const q = queryOf('missing.home.example.com');
      const sent = upstreamQuery(q, 0);
      const release = guard.mark(sent, q.questionEnd - 4);
      const name = sent.toString('latin1', 13, q.questionEnd - 5);
      expect(name.toLowerCase()).toBe('missing\x04home\x07example\x03com');
      spellings.add(name);
      release();
    }
    expect(spellings.size).toBeGreaterThan(15); // 2^21 patterns: repeats are rare
  });

  it('answers SERVFAIL to our own query coming back while ours is in flight, counts and logs it', () => {
    let loops = 0;
    const guard = createLoopGuard({ logger, onLoop: () => (loops += 1) });
    const q = queryOf('missing.home.example.com');
    const sent = upstreamQuery(q, 0);
    const release = guard.mark(sent, q.questionEnd - 4);
    expect(rcode(guard.handler(cameBack(sent), next))).toBe(RCODE.SERVFAIL);
    expect(loops).toBe(1);
    release();
    expect(guard.handler(cameBack(sent), next)).toEqual(Buffer.from('next')); // ours is done: not a loop
  });

  it('lets other queries through: not zone misses, other spellings, and before anything is marked', () => {
    const guard = createLoopGuard({ logger });
    const q = queryOf('missing.home.example.com');
    expect(guard.handler({ ...q, zoneMiss: true }, next)).toEqual(Buffer.from('next'));
    const sent = upstreamQuery(q, 0);
    guard.mark(sent, q.questionEnd - 4);
    expect(guard.handler(q, next)).toEqual(Buffer.from('next')); // not a zone miss
    const other = Buffer.from(sent);
    other[13] = (other[13] ?? 0) ^ 0x20; // the same name in another case: a client's, not ours
    expect(guard.handler(cameBack(other), next)).toEqual(Buffer.from('next'));
  });

  it('counts two identical spellings in flight: one release does not forget the other', () => {
    const guard = createLoopGuard({ logger });
    const q = queryOf('42.7.1.1'); // no letters: one spelling only
    const first = upstreamQuery(q, 0);
    const second = upstreamQuery(q, 0);
    const releases = [guard.mark(first, q.questionEnd - 4), guard.mark(second, q.questionEnd - 4)];
    expect(first.equals(second)).toBe(true);
    releases[0]?.();
    expect(rcode(guard.handler(cameBack(first), next))).toBe(RCODE.SERVFAIL);
    releases[1]?.();
    expect(guard.handler(cameBack(first), next)).toEqual(Buffer.from('next'));
  });
});
