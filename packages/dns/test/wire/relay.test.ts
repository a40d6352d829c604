import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inZone } from '../../src/index/hostnames.ts';
import { FLAG, TYPE } from '../../src/wire/constants.ts';
import { recordsStart } from '../../src/wire/copy.ts';
import { upstreamQuery } from '../../src/wire/message.ts';
import { encodeName, readName } from '../../src/wire/name.ts';
import { relay } from '../../src/wire/relay.ts';
import { recordEnd } from '../../src/wire/response.ts';
import { queryOf } from '../queries.ts';

const ZONE = 'home.example.com';
const ours = (name: string) => inZone(name, ZONE);
const q = queryOf('www.example.org');

/** A record; `owner` a name or raw bytes (a pointer). */
function rr(owner: string | Buffer, type: number, rdata: Buffer): Buffer {
  const fixed = Buffer.alloc(10);
  fixed.writeUInt16BE(type, 0);
  fixed.writeUInt16BE(1, 2);
  fixed.writeUInt32BE(60, 4);
  fixed.writeUInt16BE(rdata.length, 8);
  return Buffer.concat([typeof owner === 'string' ? encodeName(owner) : owner, fixed, rdata]);
}
/** An upstream reply to `q` with the given sections. */
function reply(answer: Buffer[], authority: Buffer[] = [], additional: Buffer[] = []): Buffer {
  const head = upstreamQuery(q, 0).subarray(0, q.questionEnd);
  head.writeUInt16BE(0x8180 | FLAG.AA | FLAG.AD, 2);
  head.writeUInt16BE(answer.length, 6);
  head.writeUInt16BE(authority.length, 8);
  head.writeUInt16BE(additional.length, 10);
  return Buffer.concat([head, ...answer, ...authority, ...additional]);
}
/** Every record of a message, owner and type, or null when it does not walk cleanly. */
function walk(m: Buffer): { owner: string; type: number }[] | null {
  const out: { owner: string; type: number }[] = [];
  let pos = recordsStart(m);
  const n = m.readUInt16BE(6) + m.readUInt16BE(8) + m.readUInt16BE(10);
  for (let i = 0; i < n; i += 1) {
    const owner = readName(m, pos);
    const end = recordEnd(m, pos);
    if (!owner || end < 0) return null;
    out.push({ owner: owner.name, type: m.readUInt16BE(owner.end) });
    pos = end;
  }
  return pos === m.length ? out : null;
}

describe('relay: records of our zones never come back from upstream', () => {
  it('drops our-zone records in every section, keeps the CNAME into the zone, clears AA and AD', () => {
    const cnameAt = q.questionEnd + 12; // the CNAME's RDATA: a name a later record points into
    const out = relay(
      reply(
        [
          rr(Buffer.from([0xc0, 12]), TYPE.CNAME, encodeName(`id.${ZONE}`)),
          rr(Buffer.from([0xc0, cnameAt]), TYPE.A, Buffer.from([6, 6, 6, 6])),
        ],
        [rr(ZONE, TYPE.NS, encodeName('ns.evil.example.org'))],
        [
          rr(`ns.${ZONE}`, TYPE.A, Buffer.from([6, 6, 6, 7])),
          rr('ns.evil.example.org', TYPE.A, Buffer.from([6, 6, 6, 8])),
        ],
      ),
      q,
      ours,
    );
    expect(out).not.toBeNull();
    const records = walk(out as Buffer);
    expect(records).toEqual([
      { owner: 'www.example.org', type: TYPE.CNAME },
      { owner: 'ns.evil.example.org', type: TYPE.A },
    ]);
    expect(((out as Buffer).readUInt16BE(2) & (FLAG.AA | FLAG.AD)) === 0).toBe(true);
  });

  it('refuses a reply whose owner names hide behind a forward pointer', () => {
    const later = q.questionEnd + 2 + 10 + 4; // where the second record's owner starts
    const sneaky = reply([
      rr(Buffer.from([0xc0 | (later >> 8), later & 0xff]), TYPE.A, Buffer.from([6, 6, 6, 6])),
      rr(`id.${ZONE}`, TYPE.TXT, Buffer.from([1, 0x78])),
    ]);
    expect(relay(sneaky, q, ours)).toBeNull();
  });

  it('never throws and never lets an our-zone record through, whatever the upstream sends', () => {
    const seed = reply(
      [
        rr(Buffer.from([0xc0, 12]), TYPE.CNAME, encodeName(`id.${ZONE}`)),
        rr(`id.${ZONE}`, TYPE.A, Buffer.from([6, 6, 6, 6])),
      ],
      [rr(ZONE, TYPE.NS, encodeName(`ns.${ZONE}`))],
      [rr(`ns.${ZONE}`, TYPE.A, Buffer.from([6, 6, 6, 7])), Buffer.from('0000291000000000000000', 'hex')],
    );
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(seed.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
        fc.nat(seed.length),
        (flips, cut) => {
          const m = Buffer.from(seed.subarray(0, Math.max(q.questionEnd, cut)));
          for (const [at, value] of flips) if (at >= q.questionEnd && at < m.length) m[at] = value;
          const out = relay(m, q, ours);
          if (out === null) return;
          const records = walk(out);
          expect(records).not.toBeNull(); // every owner readable: nothing hides behind a bad pointer
          expect(records?.filter((r) => ours(r.owner))).toEqual([]);
        },
      ),
      { numRuns: 3000 },
    );
  });
});
