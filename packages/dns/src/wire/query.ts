import { CLASSIC_UDP_SIZE, FLAG, TYPE } from './constants.ts';
import { labelText } from './name.ts';

export type Transport = 'udp' | 'tcp';

/** The client's EDNS (RFC 6891), when its query carried an OPT record. */
export interface Edns {
  /** UDP payload size the client accepts (never below 512). */
  udpSize: number;
  version: number;
  /** DNSSEC OK (RFC 3225): echoed in answers. */
  do: boolean;
}

/**
 * A query as every handler sees it, built once from the packet (CoreDNS `request.Request`).
 * Handlers never re-parse the packet.
 */
export interface Query {
  id: number;
  /** The raw 16-bit flags word of the request. */
  flags: number;
  /** Lower-case, dotted, no final dot; '' is the root. */
  name: string;
  type: number;
  class: number;
  /** Offset just after the question: bytes [12, questionEnd) are the question, as the client wrote it. */
  questionEnd: number;
  edns: Edns | null;
  /** The request bytes (kept: the question is echoed from them, 0x20 case included). */
  raw: Buffer;
  client: { address: string; port: number };
  transport: Transport;
  /**
   * A name of our zones with no route, to ask the zone-miss upstreams about: true only on the new
   * query the authoritative and chase handlers pass on (`{ ...q, zoneMiss: true }`), never set on
   * one they were given.
   */
  zoneMiss?: true;
}

/** Where a TSIG record sits in a request (RFC 8945): [start, end) in the raw bytes. */
export interface TsigAt {
  start: number;
  end: number;
}

/** Why a packet is not a query we answer normally. */
export type ParseFailure =
  | { kind: 'drop' } // too short to hold an ID, or a response (QR=1): never answer
  | {
      kind: 'error';
      rcode: number;
      id: number;
      flags: number;
      edns: Edns | null;
      questionEnd: number;
      /** A TSIG the request carries: answered NOTAUTH with an unsigned BADKEY TSIG (tsig.ts). */
      tsig?: TsigAt;
    };

const FORMERR = 1;
const NOTIMP = 4;
const NOTAUTH = 9;

/**
 * Reads the header, the one question and the OPT record straight from the buffer. The hot path:
 * no allocation beyond the name string and the result object.
 */
export function parseQuery(raw: Buffer, client: Query['client'], transport: Transport): Query | ParseFailure {
  if (raw.length < 12) return { kind: 'drop' };
  const id = raw.readUInt16BE(0);
  const flags = raw.readUInt16BE(2);
  if (flags & FLAG.QR) return { kind: 'drop' };
  // Only QUERY: UPDATE, NOTIFY, IQUERY, STATUS get NOTIMP, with the question and OPT when they parse
  // (RFC 1035 §4.1.1 echoes the opcode; RFC 6891 §7 answers with an OPT to a request with one).
  const opcode = (flags >> 11) & 0xf;
  const fail = (rcode: number, questionEnd = 12, edns: Edns | null = null, tsig?: TsigAt): ParseFailure => ({
    kind: 'error',
    rcode: opcode === 0 ? rcode : NOTIMP,
    id,
    flags,
    edns,
    questionEnd,
    ...(tsig ? { tsig } : {}),
  });
  if (raw.readUInt16BE(4) !== 1) return fail(FORMERR);

  // The question name: plain labels only (a pointer in the only question is malformed).
  let pos = 12;
  let name = '';
  for (;;) {
    const len = raw[pos];
    if (len === undefined) return fail(FORMERR);
    if (len === 0) break;
    if (len > 63 || pos + 1 + len > raw.length || pos - 12 + len + 2 > 255) return fail(FORMERR);
    name += (name === '' ? '' : '.') + labelText(raw, pos + 1, len);
    pos += len + 1;
  }
  pos += 1;
  if (pos + 4 > raw.length) return fail(FORMERR);
  const type = raw.readUInt16BE(pos);
  const klass = raw.readUInt16BE(pos + 2);
  const questionEnd = pos + 4;

  const extra = readAdditional(raw, questionEnd);
  if (extra === false) return fail(FORMERR, questionEnd);
  if (opcode !== 0) return fail(NOTIMP, questionEnd, extra.edns);
  if (extra.tsig) return fail(NOTAUTH, questionEnd, extra.edns, extra.tsig); // we hold no keys
  return { id, flags, name, type, class: klass, questionEnd, edns: extra.edns, raw, client, transport };
}

/**
 * Finds the OPT and TSIG records among the additional records; answer and authority records in a
 * query are skipped. Returns false when the records do not parse, there are two OPT records
 * (RFC 6891 §6.1.1), or a TSIG that is not the last record (RFC 8945 §5.1).
 */
function readAdditional(raw: Buffer, start: number): { edns: Edns | null; tsig?: TsigAt } | false {
  const records = raw.readUInt16BE(6) + raw.readUInt16BE(8) + raw.readUInt16BE(10);
  const additionalFrom = raw.readUInt16BE(6) + raw.readUInt16BE(8);
  let pos = start;
  let edns: Edns | null = null;
  for (let i = 0; i < records; i += 1) {
    const nameEnd = skipName(raw, pos);
    if (nameEnd < 0 || nameEnd + 10 > raw.length) return false;
    const type = raw.readUInt16BE(nameEnd);
    const rdlength = raw.readUInt16BE(nameEnd + 8);
    if (nameEnd + 10 + rdlength > raw.length) return false;
    if (type === TYPE.OPT && i >= additionalFrom) {
      if (edns !== null || nameEnd !== pos + 1) return false; // a second OPT, or not owned by root
      edns = {
        udpSize: Math.max(CLASSIC_UDP_SIZE, raw.readUInt16BE(nameEnd + 2)),
        version: raw[nameEnd + 5] ?? 0,
        do: ((raw[nameEnd + 6] ?? 0) & 0x80) !== 0,
      };
    }
    if (type === TYPE.TSIG) {
      if (i !== records - 1 || i < additionalFrom) return false;
      return { edns, tsig: { start: pos, end: nameEnd + 10 + rdlength } };
    }
    pos = nameEnd + 10 + rdlength;
  }
  return { edns };
}

/** Offset after a (possibly compressed) name, or -1. */
export function skipName(buf: Buffer, offset: number): number {
  let pos = offset;
  for (let guard = 0; guard < 128; guard += 1) {
    const len = buf[pos];
    if (len === undefined) return -1;
    if (len === 0) return pos + 1;
    if ((len & 0xc0) === 0xc0) return pos + 2 <= buf.length ? pos + 2 : -1;
    if ((len & 0xc0) !== 0) return -1;
    pos += len + 1;
  }
  return -1;
}
