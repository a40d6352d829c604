import { Packet } from 'dns2';
import { describe, expect, it } from 'vitest';
import { TYPE } from '../../src/wire/constants.ts';
import { addressRdata, record } from '../../src/wire/records.ts';
import { answerMessage, errorMessage, finalize, truncate } from '../../src/wire/response.ts';
import { queryOf } from '../queries.ts';

const q = queryOf('big.example.org', TYPE.A, 1, { id: 0x1234, flags: 0x0110 }); // RD and CD
/** An answer of `a` A records and `b` AAAA records for the question. */
function answerOf(a: number, b: number): Buffer {
  const rr = (type: number, address: string) => record('question', type, 30, addressRdata(address).rdata);
  const records = [
    ...Array.from({ length: a }, (_, i) => rr(TYPE.A, `10.0.0.${i + 1}`)),
    ...Array.from({ length: b }, (_, i) => rr(TYPE.AAAA, `fd00::${i + 1}`)),
  ];
  return answerMessage(q, {
    rcode: 0,
    aa: true,
    ancount: a + b,
    nscount: 0,
    arcount: 0,
    body: Buffer.concat(records),
  });
}

describe('answers', () => {
  it('echo the ID, RD and CD and the question as the client wrote it', () => {
    const m = errorMessage(queryOf('Id.Example.org', 1, 1, { id: 9, flags: 0x0110 }), 5);
    expect(m.readUInt16BE(0)).toBe(9);
    expect(m.readUInt16BE(2)).toBe(0x8000 | 0x0110 | 5);
    expect(m.subarray(12).toString('latin1')).toContain('Id\x07Example');
  });

  it('are cut at an RRset boundary with TC when too big for UDP (RFC 2181 §9), never in the middle of one', () => {
    const whole = answerOf(20, 20); // 20 x 16 + 20 x 28 bytes of records
    const cut = truncate(whole, 12 + 21 + 20 * 16 + 100);
    const parsed = Packet.parse(cut);
    expect(parsed.header.tc).toBe(1);
    expect(parsed.answers.map((r) => r.type)).toEqual(Array(20).fill(TYPE.A)); // the AAAA RRset did not fit
    expect(Packet.parse(truncate(whole, 100)).answers).toHaveLength(0);
  });

  it('go out whole over TCP and within 512 bytes without EDNS over UDP, RA as the server says', () => {
    const whole = answerOf(60, 0);
    expect(finalize(q, Buffer.from(whole), 'tcp', { ra: false })).toHaveLength(whole.length);
    const udp = finalize(q, Buffer.from(whole), 'udp', { ra: true });
    expect(udp.length).toBeLessThanOrEqual(512);
    expect(Packet.parse(udp).header).toMatchObject({ tc: 1, ra: 1 });
  });
});
