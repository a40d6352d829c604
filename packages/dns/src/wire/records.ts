import { isIPv4 } from 'node:net';
import { CLASS_IN, TYPE } from './constants.ts';
import { encodeName } from './name.ts';

/** The owner of a record: a pointer to the question name (offset 12), or a full name. */
export type Owner = 'question' | string;

const POINTER_TO_QUESTION = Buffer.from([0xc0, 0x0c]);

/** One resource record in wire form. */
export function record(owner: Owner, type: number, ttl: number, rdata: Buffer): Buffer {
  const name = owner === 'question' ? POINTER_TO_QUESTION : encodeName(owner);
  const fixed = Buffer.allocUnsafe(10);
  fixed.writeUInt16BE(type, 0);
  fixed.writeUInt16BE(CLASS_IN, 2);
  fixed.writeUInt32BE(Math.min(ttl >>> 0, 0x7fffffff), 4);
  fixed.writeUInt16BE(rdata.length, 8);
  return Buffer.concat([name, fixed, rdata]);
}

/** RDATA of an A or AAAA record. */
export function addressRdata(address: string): { type: number; rdata: Buffer } {
  if (isIPv4(address)) return { type: TYPE.A, rdata: Buffer.from(address.split('.').map(Number)) };
  return { type: TYPE.AAAA, rdata: ipv6Bytes(address) };
}

/** The 16 bytes of an IPv6 address (`::` expanded, an embedded IPv4 tail allowed). */
export function ipv6Bytes(address: string): Buffer {
  let text = address.toLowerCase();
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)?.[1];
  if (v4) {
    const [a = 0, b = 0, c = 0, d = 0] = v4.split('.').map(Number);
    text = `${text.slice(0, -v4.length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  const out = Buffer.alloc(16);
  for (let i = 0; i < 8; i += 1) out.writeUInt16BE(Number.parseInt(groups[i] ?? '0', 16) || 0, i * 2);
  return out;
}

/** RDATA of an SOA record (RFC 1035 §3.3.13); names uncompressed, so it is valid anywhere. */
export function soaRdata(soa: {
  mname: string;
  rname: string;
  serial: number;
  refresh: number;
  retry: number;
  expire: number;
  minimum: number;
}): Buffer {
  const numbers = Buffer.allocUnsafe(20);
  const values = [soa.serial, soa.refresh, soa.retry, soa.expire, soa.minimum];
  for (let i = 0; i < values.length; i += 1) numbers.writeUInt32BE((values[i] ?? 0) >>> 0, i * 4);
  return Buffer.concat([encodeName(soa.mname), encodeName(soa.rname), numbers]);
}

/** RDATA holding one name (NS, PTR, CNAME). */
export const nameRdata = (name: string): Buffer => encodeName(name);

/** The reverse-lookup name of an address: `202.3.90.10.in-addr.arpa`, or ip6.arpa nibbles. */
export function reverseName(address: string): string {
  if (isIPv4(address)) return `${address.split('.').reverse().join('.')}.in-addr.arpa`;
  const hex = ipv6Bytes(address).toString('hex');
  return `${[...hex].reverse().join('.')}.ip6.arpa`;
}
