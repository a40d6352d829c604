import { TYPE } from './constants.ts';
import { nameWire } from './name.ts';
import { skipName } from './query.ts';

/**
 * Where the names sit in the RDATA of the types that may compress them (RFC 1035 §3.3 and RFC 3597
 * §4: only these; every later type's RDATA is copied as it is): [offset of the first name, names].
 */
const NAMES_IN_RDATA = new Map<number, [number, number]>([
  [TYPE.NS, [0, 1]],
  [TYPE.CNAME, [0, 1]],
  [TYPE.PTR, [0, 1]],
  [TYPE.MX, [2, 1]],
  [TYPE.SOA, [0, 2]],
  [7, [0, 1]], // MB
  [8, [0, 1]], // MG
  [9, [0, 1]], // MR
  [14, [0, 2]], // MINFO
]);

/**
 * The record at `pos` of `message` as bytes that stand alone: the owner and the RDATA names
 * uncompressed, so the record can move into another message or to another offset. Null when it
 * does not parse.
 */
export function copyRecord(message: Buffer, pos: number): { bytes: Buffer; end: number } | null {
  const owner = nameWire(message, pos);
  if (!owner || owner.end + 10 > message.length) return null;
  const type = message.readUInt16BE(owner.end);
  const rdStart = owner.end + 10;
  const end = rdStart + message.readUInt16BE(owner.end + 8);
  if (end > message.length) return null;
  const names = NAMES_IN_RDATA.get(type);
  let rdata = message.subarray(rdStart, end);
  if (names) {
    const [first, count] = names;
    const parts: Buffer[] = [message.subarray(rdStart, rdStart + first)];
    let at = rdStart + first;
    for (let i = 0; i < count; i += 1) {
      const name = nameWire(message, at);
      if (!name || name.end > end) return null;
      parts.push(name.wire);
      at = name.end;
    }
    parts.push(message.subarray(at, end));
    rdata = Buffer.concat(parts);
  }
  const fixed = Buffer.from(message.subarray(owner.end, owner.end + 10));
  fixed.writeUInt16BE(rdata.length, 8);
  return { bytes: Buffer.concat([owner.wire, fixed, rdata]), end };
}

/** Offset of the first record (after the one question), or -1. */
export function recordsStart(message: Buffer): number {
  const end = skipName(message, 12);
  return end < 0 || end + 4 > message.length ? -1 : end + 4;
}
