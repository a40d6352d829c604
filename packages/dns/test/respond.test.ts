import { describe, expect, it } from 'vitest';
import { createResponder, type RequestObserver } from '../src/respond.ts';
import { OPT_SIZE, writeOpt } from '../src/wire/opt.ts';
import type { Query } from '../src/wire/query.ts';
import type { Reply } from '../src/wire/response.ts';
import { captureLogger } from './basics.ts';
import { queryOf } from './queries.ts';

/** Runs one request through a responder over `handle`; what it sent, and what it reported. */
function respondTo(
  raw: Buffer,
  handle: (q: Query) => Reply | Promise<Reply>,
  recursion?: (address: string) => boolean,
) {
  const { lines, logger } = captureLogger();
  const observed: Parameters<RequestObserver>[] = [];
  const respond = createResponder({ handle, logger, observe: (...a) => observed.push(a), recursion });
  return new Promise<{ out: Buffer | null; observed: typeof observed; lines: typeof lines }>((resolve) =>
    respond(
      raw,
      { address: '127.0.0.1', port: 5353 },
      'udp',
      4,
      (out) => setImmediate(() => resolve({ out, observed, lines })), // the observer runs just after `done`
    ),
  );
}
const rcode = (m: Buffer | null) => ((m?.[3] ?? 0) & 0xf) as number;
const answering = (q: Query) => Buffer.from(q.raw.subarray(0, q.questionEnd)).fill(0x81, 2, 3);

describe('the responder (bytes in, bytes out, the same for UDP and TCP)', () => {
  it('answers through the chain, RA only for clients that may recurse, and reports each request once', async () => {
    const query = queryOf('a.example.org').raw;
    const open = await respondTo(query, answering, () => true);
    expect((open.out?.[3] ?? 0) & 0x80).toBe(0x80);
    expect(((await respondTo(query, answering, () => false)).out?.[3] ?? 0xff) & 0x80).toBe(0);
    expect(open.observed).toHaveLength(1);
    expect(open.observed[0]?.[0]?.name).toBe('a.example.org');
    expect(open.observed[0]?.[3]).toBe(open.out);
  });

  it('sends nothing for a response (QR=1) or a runt, and still reports it', async () => {
    const response = Buffer.from(queryOf('a.example.org').raw).fill(0x81, 2, 3);
    let asked = 0;
    for (const raw of [response, Buffer.from([1, 2, 3])]) {
      const r = await respondTo(raw, () => {
        asked += 1;
        return null;
      });
      expect(r.out).toBeNull();
      expect(r.observed.map((o) => [o[0], o[3]])).toEqual([[null, null]]);
    }
    expect(asked).toBe(0);
  });

  it('turns a handler that throws or rejects into SERVFAIL, logged with the name', async () => {
    const query = queryOf('a.example.org', 1, 1, { id: 77 }).raw;
    const thrown = await respondTo(query, () => {
      throw new Error('boom');
    });
    const rejected = await respondTo(query, () => Promise.reject(new Error('boom')));
    for (const r of [thrown, rejected]) {
      expect([r.out?.readUInt16BE(0), rcode(r.out)]).toEqual([77, 2]);
      expect(r.lines.map((l) => [l.level, l.msg, l.name])).toEqual([
        ['error', 'request failed', 'a.example.org'],
      ]);
    }
  });

  it('answers BADVERS to EDNS version 1 without asking the chain (RFC 6891 §6.1.3)', async () => {
    const q = queryOf('a.example.org');
    const opt = Buffer.alloc(OPT_SIZE);
    writeOpt(opt, 0, false);
    opt[6] = 1; // version 1
    const raw = Buffer.concat([q.raw, opt]);
    raw.writeUInt16BE(1, 10);
    const { out } = await respondTo(raw, () => {
      throw new Error('not asked');
    });
    expect(rcode(out)).toBe(0);
    expect(out?.[(out?.length ?? 0) - OPT_SIZE + 5]).toBe(1); // the extended rcode: 16 >> 4
  });
});
