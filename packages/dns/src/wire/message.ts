import { FLAG } from './constants.ts';
import { OPT_SIZE, writeOpt } from './opt.ts';
import type { Query } from './query.ts';
import { skipName } from './query.ts';

/**
 * The query we send upstream for a client's query: a fresh ID, the client's RD and CD bits, its
 * question as written, and our own OPT (1232 bytes, the client's DO bit) when the client used EDNS.
 * The client's other additional records (cookies, ECS) are not forwarded.
 */
export function upstreamQuery(q: Query, id: number): Buffer {
  const qlen = q.questionEnd - 12;
  const out = Buffer.alloc(12 + qlen + (q.edns ? OPT_SIZE : 0));
  out.writeUInt16BE(id, 0);
  out.writeUInt16BE(q.flags & (FLAG.RD | FLAG.CD), 2);
  out.writeUInt16BE(1, 4);
  out.writeUInt16BE(q.edns ? 1 : 0, 10);
  q.raw.copy(out, 12, 12, q.questionEnd);
  if (q.edns) writeOpt(out, 12 + qlen, q.edns.do);
  return out;
}

/** True when `reply` answers `sent`: same ID, QR set, and the same question (ASCII case aside). */
export function answers(reply: Buffer, sent: Buffer): boolean {
  if (reply.length < 12 || reply.readUInt16BE(0) !== sent.readUInt16BE(0)) return false;
  if (!(reply.readUInt16BE(2) & FLAG.QR) || reply.readUInt16BE(4) !== 1) return false;
  const end = skipName(sent, 12) + 4;
  if (reply.length < end) return false;
  for (let i = 12; i < end; i += 1) {
    let a = reply[i] ?? 0;
    let b = sent[i] ?? 0;
    if (a >= 0x41 && a <= 0x5a) a += 0x20;
    if (b >= 0x41 && b <= 0x5a) b += 0x20;
    if (a !== b) return false;
  }
  return true;
}

export const rcodeOf = (message: Buffer): number => (message[3] ?? 0) & 0xf;
export const isTruncated = (message: Buffer): boolean => ((message[2] ?? 0) & 0x02) !== 0;

/**
 * Makes `message` (about the same question) the answer to `q`, in place: the client's ID, and the
 * client's own question bytes, so its 0x20 letter case is echoed. Returns `message`.
 */
export function addressTo(message: Buffer, q: Query): Buffer {
  message.writeUInt16BE(q.id, 0);
  q.raw.copy(message, 12, 12, q.questionEnd);
  return message;
}
