import { Packet } from 'dns2';
import { describe, expect, it } from 'vitest';
import { TYPE } from '../../src/wire/constants.ts';
import { parseValue, type RecordType } from '../../src/wire/rdata.ts';
import { record } from '../../src/wire/records.ts';
import { answerMessage } from '../../src/wire/response.ts';
import { queryOf } from '../queries.ts';

/** The record a client decodes (dns2, an independent decoder) for `value`, or the problem. */
function decoded(type: RecordType, value: string): Record<string, unknown> | string {
  const parsed = parseValue(type, value);
  if ('problem' in parsed) return parsed.problem;
  const q = queryOf('x.home.example.com', parsed.type);
  const body = record('question', parsed.type, 60, parsed.rdata);
  const m = answerMessage(q, { rcode: 0, aa: true, ancount: 1, nscount: 0, arcount: 0, body });
  const {
    name: _n,
    class: _c,
    ttl: _t,
    ...rest
  } = Packet.parse(m).answers[0] as unknown as Record<string, unknown>;
  return { ...rest, text: parsed.text };
}

describe('record values as users write them, to RDATA', () => {
  it.each<[RecordType, string, Record<string, unknown>]>([
    ['A', '10.90.3.101', { type: TYPE.A, address: '10.90.3.101', text: '10.90.3.101' }],
    ['AAAA', 'FD00::101', { type: TYPE.AAAA, address: 'fd00::101', text: 'fd00::101' }],
    ['CNAME', 'Internal.Home.Example.com.', { type: TYPE.CNAME, domain: 'internal.home.example.com' }],
    ['PTR', 'stanton-01.internal', { type: TYPE.PTR, domain: 'stanton-01.internal' }],
    ['MX', '10 mail.example.com', { type: TYPE.MX, exchange: 'mail.example.com', priority: 10 }],
    ['SRV', '10 5 5060 sip.example.com.', { type: TYPE.SRV, priority: 10, weight: 5, port: 5060 }],
    ['TXT', '"v=spf1 -all"', { type: TYPE.TXT, data: ['v=spf1 -all'], text: 'v=spf1 -all' }],
    ['TXT', 'heritage=horizon', { type: TYPE.TXT, data: ['heritage=horizon'] }],
  ])('%s %s', (type, value, expected) => {
    expect(decoded(type, value)).toMatchObject(expected);
  });

  it('splits a TXT value past 255 bytes into character-strings, and keeps an empty one', () => {
    const parsed = parseValue('TXT', 'a'.repeat(300));
    expect('rdata' in parsed && [...parsed.rdata.subarray(0, 1), parsed.rdata[256]]).toEqual([255, 45]);
    expect('rdata' in parsed && parsed.rdata.length).toBe(302);
    const empty = parseValue('TXT', '');
    expect('rdata' in empty && [...empty.rdata]).toEqual([0]);
  });

  it('writes canonical text for /records: a null MX and an SRV with no target as "."', () => {
    expect(parseValue('MX', '0 .')).toMatchObject({ text: '0 .', rdata: Buffer.from([0, 0, 0]) });
    expect(parseValue('SRV', '0 0 0 .')).toMatchObject({ text: '0 0 0 .' });
  });

  it.each<[RecordType, string, RegExp]>([
    ['A', 'fd00::1', /not an IPv4 address/],
    ['A', '10.90.3', /not an IPv4 address/],
    ['AAAA', '10.0.0.1', /not an IPv6 address/],
    ['AAAA', 'fe80::1%eth0', /not an IPv6 address/],
    ['CNAME', 'bad name!', /not a host name/],
    ['CNAME', '*.home.example.com', /not a host name/],
    ['CNAME', '.', /not a host name/],
    ['MX', 'mail.example.com', /preference host/],
    ['MX', '70000 mail.example.com', /preference host/],
    ['MX', '10 mail.example.com extra', /preference host/],
    ['SRV', '10 5 sip.example.com', /priority weight port target/],
    ['SRV', '-1 5 5060 sip.example.com', /priority weight port target/],
    ['TXT', 'x'.repeat(5000), /longer than 4096/],
  ])('refuses %s %.40s, naming the value', (type, value, problem) => {
    expect(decoded(type, value)).toMatch(problem);
  });
});
