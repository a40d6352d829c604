import { describe, expect, it } from 'vitest';
import { TYPE } from '../../src/wire/constants.ts';
import { encodeName } from '../../src/wire/name.ts';
import { OPT_SIZE, writeOpt } from '../../src/wire/opt.ts';
import { parseQuery } from '../../src/wire/query.ts';

const client = { address: '127.0.0.1', port: 5353 };
/** A query: header (ID 0xbeef, RD, `opcode`), the question, then `additional` records. */
function packet(name: string, o: { opcode?: number; qd?: number; additional?: Buffer[] } = {}): Buffer {
  const header = Buffer.alloc(12);
  header.writeUInt16BE(0xbeef, 0);
  header.writeUInt16BE(((o.opcode ?? 0) << 11) | 0x0100, 2);
  header.writeUInt16BE(o.qd ?? 1, 4);
  header.writeUInt16BE(o.additional?.length ?? 0, 10);
  return Buffer.concat([header, encodeName(name), Buffer.from([0, 1, 0, 1]), ...(o.additional ?? [])]);
}
const opt = (udpSize: number, dnssecOk: boolean) => {
  const record = Buffer.alloc(OPT_SIZE);
  writeOpt(record, 0, dnssecOk);
  record.writeUInt16BE(udpSize, 3);
  return record;
};

describe('parseQuery', () => {
  it('reads the question once: the name lower-cased, type, class, where it ends, and the client', () => {
    const q = parseQuery(packet('Id.Home.Example.COM'), client, 'tcp');
    expect(q).toMatchObject({
      id: 0xbeef,
      flags: 0x0100,
      name: 'id.home.example.com',
      type: TYPE.A,
      class: 1,
      questionEnd: 12 + 21 + 4,
      edns: null,
      client,
      transport: 'tcp',
    });
  });

  it('reads the client EDNS: its payload size (never below 512), version and DO bit', () => {
    expect(
      parseQuery(packet('a.example.org', { additional: [opt(4096, true)] }), client, 'udp'),
    ).toMatchObject({
      edns: { udpSize: 4096, version: 0, do: true },
    });
    expect(
      parseQuery(packet('a.example.org', { additional: [opt(100, false)] }), client, 'udp'),
    ).toMatchObject({
      edns: { udpSize: 512, version: 0, do: false },
    });
  });

  it('drops responses and runts: nothing is ever answered to them', () => {
    const response = packet('a.example.org').fill(0x81, 2, 3);
    expect(parseQuery(response, client, 'udp')).toEqual({ kind: 'drop' });
    expect(parseQuery(Buffer.alloc(11), client, 'udp')).toEqual({ kind: 'drop' });
  });

  it.each([
    ['two questions', packet('a.example.org', { qd: 2 })],
    ['a question cut short', packet('a.example.org').subarray(0, 20)],
    ['a pointer in the question', Buffer.from('123401000001000000000000c00c00010001', 'hex')],
    ['two OPT records', packet('a.example.org', { additional: [opt(1232, false), opt(1232, false)] })],
  ])('answers FORMERR to %s, with what of the request it could read', (_, raw) => {
    expect(parseQuery(raw, client, 'udp')).toMatchObject({ kind: 'error', rcode: 1 });
  });

  it('answers NOTIMP to other opcodes, the question and OPT kept for the answer', () => {
    const update = parseQuery(
      packet('a.example.org', { opcode: 5, additional: [opt(1232, false)] }),
      client,
      'udp',
    );
    expect(update).toMatchObject({
      kind: 'error',
      rcode: 4,
      questionEnd: 12 + 15 + 4,
      edns: { udpSize: 1232 },
    });
  });
});
