import { EDNS_UDP_SIZE, TYPE } from './constants.ts';

/** Bytes of our OPT record: owner, type, class, TTL and RDLENGTH, with no options (RFC 6891 §6.1.2). */
export const OPT_SIZE = 11;

/**
 * Writes our OPT record at `at` (OPT_SIZE bytes), the one we put in every message that carries
 * one, queries upstream and answers alike: owner the root, our UDP payload size (1232, DNS Flag
 * Day 2020) in the class, `extendedRcode` (the upper 8 bits of the rcode: 1 for BADVERS) and
 * version 0 in the TTL, the DO bit as given (RFC 3225), no options. EDNS is hop-by-hop: we never
 * pass anyone else's OPT on.
 */
export function writeOpt(out: Buffer, at: number, dnssecOk: boolean, extendedRcode = 0): void {
  out[at] = 0;
  out.writeUInt16BE(TYPE.OPT, at + 1);
  out.writeUInt16BE(EDNS_UDP_SIZE, at + 3);
  out[at + 5] = extendedRcode;
  out[at + 6] = 0; // version 0
  out[at + 7] = dnssecOk ? 0x80 : 0;
  out[at + 8] = 0;
  out.writeUInt16BE(0, at + 9); // RDLENGTH: no options
}
