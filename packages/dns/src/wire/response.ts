import { CLASSIC_UDP_SIZE, EDNS_UDP_SIZE, FLAG } from './constants.ts';
import { readName } from './name.ts';
import type { Edns, Transport } from './query.ts';
import { skipName } from './query.ts';

/**
 * A precomputed answer: everything after the question. Owner names in `body` are pointers to
 * offset 12 (the question name) or full names, never pointers elsewhere, so the body is valid
 * behind any question.
 */
export interface Answer {
  rcode: number;
  aa: boolean;
  ancount: number;
  nscount: number;
  arcount: number;
  body: Buffer;
}

/** What a reply needs to know about its request (a Query, or a query that failed to parse). */
export interface RequestHead {
  id: number;
  flags: number;
  raw: Buffer;
  questionEnd: number;
  edns: Edns | null;
}

// Response flags: QR, the request's RD and CD echoed (RFC 1035, RFC 4035 §3.2.2), RA set (we are
// a recursive resolver for the clients allowed to recurse).
const responseFlags = (request: number, aa: boolean, rcode: number): number =>
  FLAG.QR | (request & (FLAG.RD | FLAG.CD)) | FLAG.RA | (aa ? FLAG.AA : 0) | (rcode & 0xf);

/** Header + the request's own question bytes (0x20 case echoed) + the answer's records. */
export function answerMessage(q: RequestHead, a: Answer): Buffer {
  const qlen = q.questionEnd - 12;
  const out = Buffer.allocUnsafe(12 + qlen + a.body.length);
  out.writeUInt16BE(q.id, 0);
  out.writeUInt16BE(responseFlags(q.flags, a.aa, a.rcode), 2);
  out.writeUInt16BE(qlen > 0 ? 1 : 0, 4);
  out.writeUInt16BE(a.ancount, 6);
  out.writeUInt16BE(a.nscount, 8);
  out.writeUInt16BE(a.arcount, 10);
  q.raw.copy(out, 12, 12, q.questionEnd);
  a.body.copy(out, 12 + qlen);
  return out;
}

const EMPTY = Buffer.alloc(0);

/** An answer with no records: SERVFAIL, REFUSED, FORMERR, NOTIMP. */
export function errorMessage(q: RequestHead, rcode: number): Buffer {
  return answerMessage(q, { rcode, aa: false, ancount: 0, nscount: 0, arcount: 0, body: EMPTY });
}

/**
 * Makes a reply ready for the wire: over UDP, cut to the client's size (min of its EDNS size and
 * 1232, or 512 without EDNS) at an RRset boundary with TC set; then our own OPT record when the
 * client sent one (EDNS is hop-by-hop: an upstream's OPT is never relayed). `message` holds no OPT.
 */
export function finalize(q: RequestHead, message: Buffer, transport: Transport, extendedRcode = 0): Buffer {
  const opt = q.edns ? 11 : 0;
  let out = message;
  if (transport === 'udp') {
    const limit = q.edns ? Math.min(q.edns.udpSize, EDNS_UDP_SIZE) : CLASSIC_UDP_SIZE;
    if (out.length + opt > limit) out = truncate(out, limit - opt);
  }
  if (!q.edns) return out;
  const withOpt = Buffer.allocUnsafe(out.length + 11);
  out.copy(withOpt, 0);
  withOpt.writeUInt16BE(withOpt.readUInt16BE(10) + 1, 10);
  const p = out.length;
  withOpt[p] = 0; // owner: root
  withOpt.writeUInt16BE(41, p + 1);
  withOpt.writeUInt16BE(EDNS_UDP_SIZE, p + 3);
  withOpt[p + 5] = extendedRcode;
  withOpt[p + 6] = 0; // version 0
  withOpt[p + 7] = q.edns.do ? 0x80 : 0;
  withOpt[p + 8] = 0;
  withOpt.writeUInt16BE(0, p + 9);
  return withOpt;
}

/**
 * Keeps the header, the question and as many whole answer RRsets as fit in `limit` bytes; drops
 * the authority and additional sections; sets TC (RFC 2181 §9). A client then retries over TCP.
 */
export function truncate(message: Buffer, limit: number): Buffer {
  let questionEnd = 12;
  for (let i = 0; i < message.readUInt16BE(4); i += 1) questionEnd = skipName(message, questionEnd) + 4;
  if (questionEnd < 16 || questionEnd > limit) return headerOnly(message);
  const ancount = message.readUInt16BE(6);
  let pos = questionEnd;
  let keptEnd = questionEnd;
  let kept = 0;
  for (let i = 0; i < ancount; ) {
    const key = rrsetKey(message, pos);
    let n = 0;
    while (i < ancount && pos > 0 && rrsetKey(message, pos) === key) {
      pos = recordEnd(message, pos);
      i += 1;
      n += 1;
    }
    if (key === null || pos < 0 || pos > limit) break;
    keptEnd = pos;
    kept += n;
  }
  const out = Buffer.from(message.subarray(0, keptEnd));
  out.writeUInt16BE(out.readUInt16BE(2) | FLAG.TC, 2);
  out.writeUInt16BE(kept, 6);
  out.writeUInt16BE(0, 8);
  out.writeUInt16BE(0, 10);
  return out;
}

/** Owner name and type of the record at `pos`: records sharing it form one RRset. */
function rrsetKey(buf: Buffer, pos: number): string | null {
  const owner = readName(buf, pos);
  if (!owner || owner.end + 10 > buf.length) return null;
  return `${owner.name}/${buf.readUInt16BE(owner.end)}`;
}

/** Offset after the record at `pos`, or -1 when it runs past the end. */
export function recordEnd(buf: Buffer, pos: number): number {
  const nameEnd = skipName(buf, pos);
  if (nameEnd < 0 || nameEnd + 10 > buf.length) return -1;
  const end = nameEnd + 10 + buf.readUInt16BE(nameEnd + 8);
  return end <= buf.length ? end : -1;
}

function headerOnly(message: Buffer): Buffer {
  const out = Buffer.from(message.subarray(0, 12));
  out.writeUInt16BE(out.readUInt16BE(2) | FLAG.TC, 2);
  for (const at of [4, 6, 8, 10]) out.writeUInt16BE(0, at);
  return out;
}
