import { TYPE } from './constants.ts';
import { skipName } from './query.ts';
import { recordEnd } from './response.ts';

/** Where the TTLs of a message are, and what they say, for caching (answers without OPT). */
export interface TtlMap {
  /** Byte offsets of every record's TTL field. */
  offsets: number[];
  /** The smallest TTL among the records (answer and authority), or undefined when there are none. */
  minTtl: number | undefined;
  /** For a negative answer: min(SOA TTL, SOA MINIMUM) of the authority SOA (RFC 2308 §5). */
  negativeTtl: number | undefined;
  answerCount: number;
}

/** Reads the TTL positions of a message; null if a record runs past the end. */
export function mapTtls(message: Buffer): TtlMap | null {
  const an = message.readUInt16BE(6);
  const ns = message.readUInt16BE(8);
  const total = an + ns + message.readUInt16BE(10);
  let pos = skipName(message, 12) + 4;
  const offsets: number[] = [];
  let minTtl: number | undefined;
  let negativeTtl: number | undefined;
  for (let i = 0; i < total; i += 1) {
    const nameEnd = skipName(message, pos);
    const end = recordEnd(message, pos);
    if (nameEnd < 0 || end < 0) return null;
    const type = message.readUInt16BE(nameEnd);
    const ttl = message.readUInt32BE(nameEnd + 4);
    offsets.push(nameEnd + 4);
    if (i < an + ns) minTtl = minTtl === undefined ? ttl : Math.min(minTtl, ttl);
    if (type === TYPE.SOA && i >= an && i < an + ns) {
      negativeTtl = Math.min(ttl, message.readUInt32BE(end - 4));
    }
    pos = end;
  }
  return { offsets, minTtl, negativeTtl, answerCount: an };
}
