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
  /** Set by the authoritative handler for a zone name with no route: forward it to the zone-miss upstreams. */
  zoneMiss?: true;
}

/** Why a packet is not a query we answer normally. */
export type ParseFailure =
  | { kind: 'drop' } // too short to hold an ID, or a response (QR=1): never answer
  | { kind: 'error'; rcode: number; id: number; flags: number; edns: Edns | null; questionEnd: number };

const FORMERR = 1;
const NOTIMP = 4;

/**
 * Reads the header, the one question and the OPT record straight from the buffer. The hot path:
 * no allocation beyond the name string and the result object.
 */
export function parseQuery(raw: Buffer, client: Query['client'], transport: Transport): Query | ParseFailure {
  if (raw.length < 12) return { kind: 'drop' };
  const id = raw.readUInt16BE(0);
  const flags = raw.readUInt16BE(2);
  if (flags & FLAG.QR) return { kind: 'drop' };
  const fail = (rcode: number, questionEnd = 12, edns: Edns | null = null): ParseFailure => ({
    kind: 'error',
    rcode,
    id,
    flags,
    edns,
    questionEnd,
  });
  const opcode = (flags >> 11) & 0xf;
  if (opcode !== 0) return fail(NOTIMP); // only QUERY: no UPDATE, NOTIFY, IQUERY, STATUS
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

  const edns = readEdns(raw, questionEnd);
  if (edns === false) return fail(FORMERR, questionEnd);
  return { id, flags, name, type, class: klass, questionEnd, edns, raw, client, transport };
}

/**
 * Finds the OPT record among the additional records. Answer and authority records in a query are
 * skipped. Returns false when the records do not parse, or there are two OPT records (RFC 6891 §6.1.1).
 */
function readEdns(raw: Buffer, start: number): Edns | null | false {
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
    pos = nameEnd + 10 + rdlength;
  }
  return edns;
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
