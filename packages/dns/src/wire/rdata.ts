import { isIPv4, isIPv6 } from 'node:net';
import { TYPE } from './constants.ts';
import { isDnsName, normalName } from './name.ts';
import { addressRdata, nameRdata } from './records.ts';

/**
 * Record data as users write it (a DNSEndpoint's targets, a static record's values) to wire RDATA:
 * the one home of these rules for both. Each value is checked here, once, when the index or the
 * config is built; a bad one is a problem naming the value, never a malformed answer.
 */

/** The record types Horizon serves from objects and config. */
export const RECORD_TYPES = ['A', 'AAAA', 'CNAME', 'TXT', 'MX', 'SRV', 'PTR'] as const;
export type RecordType = (typeof RECORD_TYPES)[number];

/** Longest value read at all (a TXT value; anything longer is refused, not cut). */
export const MAX_VALUE_LENGTH = 4096;

/** One value as RDATA, with its canonical text (for /records), or why it cannot be served. */
export type ParsedValue = { type: number; rdata: Buffer; text: string } | { problem: string };

export const isRecordType = (text: string): text is RecordType =>
  (RECORD_TYPES as readonly string[]).includes(text);

/** `value` of a `type` record as RDATA, or a problem naming it. */
export function parseValue(type: RecordType, value: string): ParsedValue {
  if (value.length > MAX_VALUE_LENGTH) return { problem: `${type} value longer than ${MAX_VALUE_LENGTH}` };
  const bad = (why: string) => ({ problem: `${type} "${value}": ${why}` });
  const text = value.trim();
  switch (type) {
    case 'A':
      return isIPv4(text) ? { type: TYPE.A, ...addressValue(text) } : bad('not an IPv4 address');
    case 'AAAA':
      return isIPv6(text) && !text.includes('%')
        ? { type: TYPE.AAAA, ...addressValue(text) }
        : bad('not an IPv6 address');
    case 'CNAME':
    case 'PTR': {
      const host = hostName(text);
      if (host === undefined || host === '') return bad('not a host name');
      return { type: TYPE[type], rdata: nameRdata(host), text: host };
    }
    case 'TXT':
      return { type: TYPE.TXT, rdata: txtRdata(unquote(value)), text: unquote(value) };
    case 'MX':
      return mxValue(text) ?? bad('need "preference host" (e.g. "10 mail.example.com")');
    case 'SRV':
      return srvValue(text) ?? bad('need "priority weight port target" (e.g. "10 5 5060 sip.example.com")');
  }
}

function addressValue(address: string): { rdata: Buffer; text: string } {
  return { rdata: addressRdata(address).rdata, text: address.toLowerCase() };
}

/** A host name as a target: lower case, no final dot; `.` is the root (''). Undefined when invalid. */
function hostName(text: string): string | undefined {
  if (text === '.') return '';
  const name = normalName(text);
  return isDnsName(name) ? name : undefined;
}

const u16 = (text: string | undefined): number | undefined => {
  if (text === undefined || !/^\d{1,5}$/.test(text)) return undefined;
  const n = Number(text);
  return n <= 0xffff ? n : undefined;
};

/** RFC 1035 §3.3.9: preference, exchange. `0 .` is a null MX (RFC 7505). */
function mxValue(text: string): ParsedValue | undefined {
  const [pref, host, ...rest] = text.split(/\s+/);
  const preference = u16(pref);
  const exchange = host === undefined ? undefined : hostName(host);
  if (preference === undefined || exchange === undefined || rest.length > 0) return undefined;
  const head = Buffer.alloc(2);
  head.writeUInt16BE(preference, 0);
  return {
    type: TYPE.MX,
    rdata: Buffer.concat([head, nameRdata(exchange)]),
    text: `${preference} ${exchange || '.'}`,
  };
}

/** RFC 2782: priority, weight, port, target (`.`: no service here). */
function srvValue(text: string): ParsedValue | undefined {
  const [a, b, c, host, ...rest] = text.split(/\s+/);
  const numbers = [u16(a), u16(b), u16(c)];
  const target = host === undefined ? undefined : hostName(host);
  if (numbers.some((n) => n === undefined) || target === undefined || rest.length > 0) return undefined;
  const head = Buffer.alloc(6);
  for (const [i, n] of numbers.entries()) head.writeUInt16BE(n ?? 0, i * 2);
  return {
    type: TYPE.SRV,
    rdata: Buffer.concat([head, nameRdata(target)]),
    text: `${numbers.join(' ')} ${target || '.'}`,
  };
}

/** A value written in quotes (`"v=spf1 -all"`, as external-dns shows TXT targets) means its inside. */
function unquote(value: string): string {
  return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
}

/** RFC 1035 §3.3.14: one or more character-strings of at most 255 bytes each (a long value is split). */
function txtRdata(text: string): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  const parts: Buffer[] = [];
  for (let at = 0; at < bytes.length || parts.length === 0; at += 255) {
    const chunk = bytes.subarray(at, at + 255);
    parts.push(Buffer.from([chunk.length]), chunk);
  }
  return Buffer.concat(parts);
}
