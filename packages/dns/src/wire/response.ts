import { CLASSIC_UDP_SIZE, EDNS_UDP_SIZE, FLAG } from './constants.ts';
import { readName } from './name.ts';
import { OPT_SIZE, writeOpt } from './opt.ts';
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

/** A reply: a whole message without OPT (the server adds its own), or null to send nothing. */
export type Reply = Buffer | null;

/** What a reply needs to know about its request (a Query, or a query that failed to parse). */
export interface RequestHead {
  id: number;
  flags: number;
  raw: Buffer;
  questionEnd: number;
  edns: Edns | null;
}

// Response flags: QR, the request's opcode, RD and CD echoed (RFC 1035 §4.1.1, RFC 4035 §3.2.2).
// RA is the server's to set, per client, in finalize().
const OPCODE = 0x7800;
const responseFlags = (request: number, aa: boolean, rcode: number): number =>
  FLAG.QR | (request & (OPCODE | FLAG.RD | FLAG.CD)) | (aa ? FLAG.AA : 0) | (rcode & 0xf);

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

/** What finalize() adds besides sizing: RA, the OPT's extended rcode, a record that must come last. */
export interface FinalizeOptions {
  /** RA: recursion is available to this client (RFC 1035 §4.1.1). */
  ra: boolean;
  /** The upper 8 bits of the rcode, in the OPT (RFC 6891 §6.1.3): 1 for BADVERS. */
  extendedRcode?: number;
  /** A record to put after our OPT: a TSIG must be the last record (RFC 8945 §5.1). */
  trailer?: Buffer | undefined;
}

/**
 * Makes a reply ready for the wire: RA set or cleared for this client; over UDP, cut to the client's
 * size (min of its EDNS size and 1232, or 512 without EDNS) at an RRset boundary with TC set; then
 * our own OPT record when the client sent one (EDNS is hop-by-hop: an upstream's OPT is never
 * relayed), then the trailer. `message` holds no OPT and is this request's own buffer.
 */
export function finalize(q: RequestHead, message: Buffer, transport: Transport, o: FinalizeOptions): Buffer {
  const opt = q.edns ? OPT_SIZE : 0;
  const trailer = o.trailer?.length ?? 0;
  let out = message;
  out[3] = o.ra ? (out[3] ?? 0) | FLAG.RA : (out[3] ?? 0) & ~FLAG.RA;
  if (transport === 'udp') {
    const limit = q.edns ? Math.min(q.edns.udpSize, EDNS_UDP_SIZE) : CLASSIC_UDP_SIZE;
    if (out.length + opt + trailer > limit) out = truncate(out, limit - opt - trailer);
  }
  if (!q.edns && !o.trailer) return out;
  const whole = Buffer.allocUnsafe(out.length + opt + trailer);
  out.copy(whole, 0);
  whole.writeUInt16BE(whole.readUInt16BE(10) + (opt > 0 ? 1 : 0) + (trailer > 0 ? 1 : 0), 10);
  const p = out.length;
  if (q.edns) writeOpt(whole, p, q.edns.do, o.extendedRcode);
  o.trailer?.copy(whole, p + opt);
  return whole;
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
