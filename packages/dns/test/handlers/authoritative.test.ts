import { describe, expect, it } from 'vitest';
import { createAuthoritative } from '../../src/handlers/authoritative.ts';
import type { ZoneVerdict } from '../../src/index/answer.ts';
import type { Query } from '../../src/wire/query.ts';
import type { Answer } from '../../src/wire/response.ts';
import { queryOf } from '../queries.ts';

const rcode = (r: unknown) => ((r as Buffer)[3] ?? 0) & 0xf;
/** One A record for the question's name. */
const answer: Answer = {
  rcode: 0,
  aa: true,
  ancount: 1,
  nscount: 0,
  arcount: 0,
  body: Buffer.from([0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 30, 0, 4, 10, 90, 3, 202]),
};

describe('authoritative', () => {
  /** The handler over a fixed verdict, and what it passed on. */
  const run = (verdict: ZoneVerdict, q = queryOf('id.home.example.com', 1, 1, { id: 4242 })) => {
    const passed: Query[] = [];
    const handler = createAuthoritative({ answer: () => verdict });
    const out = handler(q, (next) => {
      passed.push(next);
      return Buffer.from('next');
    });
    return { out, passed, q };
  };

  it('answers our names from the index, synchronously: records with AA, the ID and question echoed', () => {
    const { out, passed, q } = run(answer);
    expect(out).toBeInstanceOf(Buffer);
    const reply = out as Buffer;
    expect(reply.readUInt16BE(0)).toBe(4242);
    expect(reply.readUInt16BE(2) & 0x8400).toBe(0x8400); // QR and AA
    expect(reply.subarray(12, q.questionEnd)).toEqual(q.raw.subarray(12, q.questionEnd));
    expect(reply.subarray(q.questionEnd)).toEqual(answer.body);
    expect(passed).toEqual([]);
  });

  it('passes names outside our zones on, as they are', () => {
    const { out, passed, q } = run('outside');
    expect(out).toEqual(Buffer.from('next'));
    expect(passed).toEqual([q]);
    expect(passed[0]).toBe(q);
  });

  it('answers SERVFAIL for our names before the index has synced, never a false NXDOMAIN', () => {
    const { out, passed } = run('unsynced');
    expect(rcode(out)).toBe(2);
    expect(passed).toEqual([]);
  });

  it('passes a zone miss on as a new query marked zoneMiss, the one it was given unchanged', () => {
    const { passed, q } = run('forward');
    expect(passed).toHaveLength(1);
    expect(passed[0]).not.toBe(q);
    expect(passed[0]).toEqual({ ...q, zoneMiss: true });
    expect(q.zoneMiss).toBeUndefined();
  });
});
