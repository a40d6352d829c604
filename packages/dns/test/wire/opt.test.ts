import { describe, expect, it } from 'vitest';
import { upstreamQuery } from '../../src/wire/message.ts';
import { OPT_SIZE, writeOpt } from '../../src/wire/opt.ts';
import { parseQuery, type Query } from '../../src/wire/query.ts';
import { errorMessage, finalize } from '../../src/wire/response.ts';
import { queryOf } from '../queries.ts';

/** `q` as a client with EDNS (payload 4096, DO as given) would send it. */
function withEdns(q: Query, dnssecOk: boolean): Query {
  const opt = Buffer.alloc(OPT_SIZE);
  writeOpt(opt, 0, dnssecOk);
  opt.writeUInt16BE(4096, 3);
  const raw = Buffer.concat([q.raw, opt]);
  raw.writeUInt16BE(1, 10);
  const parsed = parseQuery(raw, q.client, q.transport);
  if ('kind' in parsed) throw new Error('not a query');
  return parsed;
}

describe('our OPT record (RFC 6891 §6.1.2)', () => {
  it('is root-owned, 1232 bytes of payload, version 0, the DO bit as given, no options', () => {
    const out = Buffer.alloc(OPT_SIZE + 2, 0xff);
    writeOpt(out, 1, true, 1);
    expect([...out]).toEqual([0xff, 0, 0, 41, 0x04, 0xd0, 1, 0, 0x80, 0, 0, 0, 0xff]);
  });

  it('is the same in a query sent upstream and in an answer, and only where the client used EDNS', () => {
    for (const dnssecOk of [false, true]) {
      const q = withEdns(queryOf('a.example.org'), dnssecOk);
      const sent = upstreamQuery(q, 0);
      const answer = finalize(q, errorMessage(q, 2), 'udp', { ra: true });
      expect(sent.subarray(-OPT_SIZE)).toEqual(answer.subarray(-OPT_SIZE));
      expect(sent.readUInt16BE(10)).toBe(1);
      expect(answer.readUInt16BE(10)).toBe(1);
      expect(sent.subarray(-OPT_SIZE)[7]).toBe(dnssecOk ? 0x80 : 0);
    }
    const plain = queryOf('a.example.org');
    expect(upstreamQuery(plain, 0)).toHaveLength(plain.questionEnd);
    expect(finalize(plain, errorMessage(plain, 2), 'udp', { ra: true })).toHaveLength(plain.questionEnd);
  });
});
