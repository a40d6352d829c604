import { TYPE } from './constants.ts';
import { nameWire } from './name.ts';
import type { TsigAt } from './query.ts';

/** TSIG error BADKEY (RFC 8945 §4.3): the key is not known to the server. */
const BADKEY = 17;
/** TSIG records are of class ANY and TTL 0 (RFC 8945 §4.2). */
const CLASS_ANY = 255;

/**
 * The TSIG record of our answer to a signed request. Horizon holds no TSIG keys, so every signed
 * request gets NOTAUTH with this record: the request's key name, algorithm, time signed and fudge,
 * no MAC (an unsigned error, RFC 8945 §5.3.2), the original ID and error BADKEY (§5.2: "If a
 * non-forwarding server does not recognize the key used by the client, the server MUST generate
 * an error response with RCODE 9 (NOTAUTH) and TSIG ERROR 17 (BADKEY)"). Null when the TSIG does
 * not parse (then FORMERR).
 */
export function badKeyTsig(raw: Buffer, at: TsigAt): Buffer | null {
  const owner = nameWire(raw, at.start);
  if (!owner || owner.end + 10 > at.end) return null;
  const rdata = owner.end + 10;
  const algorithm = nameWire(raw, rdata);
  if (!algorithm || algorithm.end + 10 > at.end) return null;
  const timeAndFudge = raw.subarray(algorithm.end, algorithm.end + 8);
  const macSize = raw.readUInt16BE(algorithm.end + 8);
  const afterMac = algorithm.end + 10 + macSize;
  if (afterMac + 6 > at.end) return null;
  const originalId = raw.readUInt16BE(afterMac);

  const tail = Buffer.alloc(10 + 2 + 2 + 2 + 2); // type..rdlength, then MAC size, ID, error, other length
  const rdlength = algorithm.wire.length + 8 + 8;
  tail.writeUInt16BE(TYPE.TSIG, 0);
  tail.writeUInt16BE(CLASS_ANY, 2);
  tail.writeUInt32BE(0, 4);
  tail.writeUInt16BE(rdlength, 8);
  // MAC size 0 at 10, then:
  tail.writeUInt16BE(originalId, 12);
  tail.writeUInt16BE(BADKEY, 14);
  // other length 0 at 16
  return Buffer.concat([owner.wire, tail.subarray(0, 10), algorithm.wire, timeAndFudge, tail.subarray(10)]);
}
