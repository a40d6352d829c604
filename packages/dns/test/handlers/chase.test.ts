import { Packet } from 'dns2';
import { describe, expect, it } from 'vitest';
import { createChase } from '../../src/handlers/chase.ts';
import type { ZoneVerdict } from '../../src/index/answer.ts';
import { addressAnswers, buildZone } from '../../src/index/zone.ts';
import { TYPE } from '../../src/wire/constants.ts';
import type { Query } from '../../src/wire/query.ts';
import { nameRdata, record } from '../../src/wire/records.ts';
import { q, question } from '../replies.ts';

const zone = buildZone({
  name: 'home.example.com',
  nameserver: 'ns.home.example.com',
  nameserverAddresses: [],
  ttl: 30,
  negativeTtl: 30,
  serial: 1,
});
const ours = (name: string) => name === 'home.example.com' || name.endsWith('.home.example.com');
/** A forwarded answer for `name`: a CNAME to `target`, as public DNS gives it. */
function cnameReply(name: string, target: string, id = 7): Buffer {
  const header = Buffer.from([0, id, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0]);
  return Buffer.concat([header, question(name), record('question', TYPE.CNAME, 60, nameRdata(target))]);
}
/** The chase handler over fixed zone verdicts per name; `upstream` answers what goes on. */
function chaseOf(verdicts: Record<string, ZoneVerdict>, upstream: (q: Query) => Buffer | Promise<Buffer>) {
  const asked: Query[] = [];
  let chased = 0;
  const chase = createChase({
    ours,
    answer: (name) => verdicts[name] ?? 'outside',
    onChase: () => (chased += 1),
  });
  const next = (query: Query) => {
    asked.push(query);
    return upstream(query);
  };
  return { run: (query: Query) => chase(query, next), asked, chased: () => chased };
}
const records = (m: Buffer | null) =>
  Packet.parse(m as Buffer).answers.map((r) => [r.name, r.type, (r as { address?: string }).address]);

describe('chase', () => {
  it('completes a CNAME into our zones from our own answer, once counted', async () => {
    const c = chaseOf(
      { 'id.home.example.com': addressAnswers(['10.90.3.202'], 30, zone).get(TYPE.A) ?? zone.nodata },
      () => cnameReply('www.example.org', 'id.home.example.com'),
    );
    const out = await c.run(q('www.example.org'));
    expect(records(out)).toEqual([
      ['www.example.org', TYPE.CNAME, undefined],
      ['id.home.example.com', TYPE.A, '10.90.3.202'],
    ]);
    expect(c.chased()).toBe(1);
  });

  it('ends a CNAME to a name we do not have in our NXDOMAIN, with our SOA (RFC 6604)', async () => {
    const c = chaseOf({ 'gone.home.example.com': zone.nxdomain }, () =>
      cnameReply('www.example.org', 'gone.home.example.com'),
    );
    const out = Packet.parse((await c.run(q('www.example.org'))) as Buffer);
    expect(out.header.rcode).toBe(3);
    expect(out.answers.map((r) => r.type)).toEqual([TYPE.CNAME]);
    expect(out.authorities.map((r) => [r.name, r.type])).toEqual([['home.example.com', TYPE.SOA]]);
  });

  it('asks the zone-miss upstreams for the target when the policy forwards: a new query, marked', async () => {
    const c = chaseOf({ 'gone.home.example.com': 'forward' }, (query) =>
      query.zoneMiss ? addressReply(query) : cnameReply('www.example.org', 'gone.home.example.com'),
    );
    const client = q('www.example.org');
    const out = await c.run(client);
    expect(c.asked.map((a) => [a.name, a.zoneMiss])).toEqual([
      ['www.example.org', undefined],
      ['gone.home.example.com', true],
    ]);
    expect(client.zoneMiss).toBeUndefined();
    expect(records(out)).toEqual([
      ['www.example.org', TYPE.CNAME, undefined],
      ['gone.home.example.com', TYPE.A, '127.0.0.99'],
    ]);
  });

  it('answers SERVFAIL while our index has not synced: never the public part alone', async () => {
    const c = chaseOf({ 'id.home.example.com': 'unsynced' }, () =>
      cnameReply('www.example.org', 'id.home.example.com'),
    );
    expect(Packet.parse((await c.run(q('www.example.org'))) as Buffer).header.rcode).toBe(2);
  });

  it('leaves alone what does not lead into our zones, and CNAME or ANY questions', async () => {
    const outside = cnameReply('www.example.org', 'cdn.example.net');
    const c = chaseOf({}, () => outside);
    expect(await c.run(q('www.example.org'))).toBe(outside);
    const asked = cnameReply('www.example.org', 'id.home.example.com');
    for (const type of [TYPE.CNAME, TYPE.ANY]) {
      const direct = chaseOf({ 'id.home.example.com': zone.nxdomain }, () => asked);
      const query = { ...q('www.example.org'), type };
      expect(await direct.run(query)).toBe(asked);
      expect(direct.chased()).toBe(0);
    }
  });
});

/** What the zone-miss upstream says for a query: one A record, 127.0.0.99. */
function addressReply(query: Query): Buffer {
  const header = Buffer.from(query.raw.subarray(0, 12));
  header.writeUInt16BE(0x8180, 2);
  header.writeUInt16BE(1, 6);
  header.writeUInt16BE(0, 10);
  const a = record('question', TYPE.A, 60, Buffer.from([127, 0, 0, 99]));
  return Buffer.concat([header, query.raw.subarray(12, query.questionEnd), a]);
}
