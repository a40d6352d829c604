import { Counter } from 'prom-client';
import type { ZoneVerdict } from '../index/answer.ts';
import { FLAG, RCODE, TYPE } from '../wire/constants.ts';
import { copyRecord, recordsStart } from '../wire/copy.ts';
import { rcodeOf } from '../wire/message.ts';
import { encodeName, readName } from '../wire/name.ts';
import type { Query } from '../wire/query.ts';
import { skipName } from '../wire/query.ts';
import { answerMessage, errorMessage, type Reply, recordEnd } from '../wire/response.ts';
import type { Handler, Next, Setup } from './types.ts';

/** Options of {@link createChase}. */
export interface ChaseOptions {
  /** True for a name in our zones. */
  ours: (name: string) => boolean;
  /** What our zones answer for a name, for a client (index/answer.ts). */
  answer: (name: string, type: number, address: string) => ZoneVerdict;
  onChase?: () => void;
}

/**
 * Completes a forwarded answer whose CNAME chain leads into our zones from our own data, for this
 * client (RFC 1034 §3.6.2: the resolver restarts the query at the canonical name). Public DNS may
 * say `www.example.org CNAME id.<zone>`; the records it gave for `id.<zone>` were dropped on the
 * way in (relay.ts), and here the chain goes on from the index: the LAN gets the internal gateway,
 * the tailnet its view, a missing name NXDOMAIN with our SOA (RFC 6604: the rcode is the last
 * name's). A zone miss in `forward` mode asks the zone-miss upstreams for it, through the cache.
 * After the cache, so the cache holds the public part only and every client gets its own view.
 */
export function createChase(o: ChaseOptions): Handler {
  const complete = async (reply: Buffer, q: Query, target: string, next: Next): Promise<Reply> => {
    o.onChase?.();
    const verdict = o.answer(target, q.type, q.client.address);
    if (verdict === 'outside') return reply;
    if (verdict === 'unsynced') return errorMessage(q, RCODE.SERVFAIL);
    const tq = targetQuery(q, target);
    const donor = verdict === 'forward' ? await next({ ...tq, zoneMiss: true }) : answerMessage(tq, verdict);
    if (donor === null || rcodeOf(donor) === RCODE.SERVFAIL) return errorMessage(q, RCODE.SERVFAIL);
    return splice(reply, donor) ?? errorMessage(q, RCODE.SERVFAIL);
  };
  /** The reply as it is, or its completion when its chain leads into our zones. */
  const chased = (reply: Reply, q: Query, next: Next): Reply | Promise<Reply> => {
    const target = reply === null ? undefined : cnameIntoZones(reply, o.ours);
    return reply === null || target === undefined ? reply : complete(reply, q, target, next);
  };
  return (q, next) => {
    if (q.type === TYPE.CNAME || q.type === TYPE.ANY) return next(q); // the CNAME itself was asked for
    const r = next(q);
    return r instanceof Promise ? r.then((reply) => chased(reply, q, next)) : chased(r, q, next);
  };
}

/** CNAMEs chased into our zones, counted in horizon_dns_forward_cname_chased_total. */
export const setupChase: Setup = ({ zones, registry }) => {
  const chased = new Counter({
    name: 'horizon_dns_forward_cname_chased_total',
    help: 'Forwarded answers whose CNAME led into our zones, completed from our own data.',
    registers: [registry],
  });
  return createChase({ ours: zones.ours, answer: zones.answer, onChase: () => chased.inc() });
};

/** A forwarded NOERROR or NXDOMAIN with answers: the only kind that can hold a CNAME into our zones. */
const mayLeadIn = (m: Buffer) =>
  ((m[2] ?? 0) & 0x04) === 0 &&
  (rcodeOf(m) === RCODE.NOERROR || rcodeOf(m) === RCODE.NXDOMAIN) &&
  m.readUInt16BE(6) > 0;

/** The target of a CNAME in the answer section that lies in our zones, or undefined. */
function cnameIntoZones(m: Buffer, ours: (name: string) => boolean): string | undefined {
  if (!mayLeadIn(m)) return undefined;
  let pos = recordsStart(m);
  for (let i = 0; i < m.readUInt16BE(6) && pos > 0; i += 1) {
    const typeAt = skipName(m, pos);
    if (typeAt < 0) return undefined;
    if (m.readUInt16BE(typeAt) === TYPE.CNAME) {
      const target = readName(m, typeAt + 10)?.name;
      if (target !== undefined && ours(target)) return target;
    }
    pos = recordEnd(m, pos);
  }
  return undefined;
}

/** The client's query, restarted at `name`: same ID, flags, type, EDNS, client and transport. */
function targetQuery(q: Query, name: string): Query {
  const raw = Buffer.concat([
    q.raw.subarray(0, 12),
    encodeName(name),
    q.raw.subarray(q.questionEnd - 4, q.questionEnd),
  ]);
  raw.writeUInt16BE(1, 4);
  raw.fill(0, 6, 12);
  return { ...q, name, raw, questionEnd: raw.length };
}

/**
 * The forwarded answer's records, then the donor's (the answer for the target) answer and
 * authority records, all uncompressed; the donor's rcode; AD cleared (our part is not signed).
 */
function splice(reply: Buffer, donor: Buffer): Buffer | null {
  const own = sectionRecords(reply, reply.readUInt16BE(6));
  const theirs = sectionRecords(donor, donor.readUInt16BE(6) + donor.readUInt16BE(8));
  if (!own || !theirs) return null;
  const header = Buffer.from(reply.subarray(0, recordsStart(reply)));
  header.writeUInt16BE((header.readUInt16BE(2) & ~(FLAG.AD | 0xf)) | rcodeOf(donor), 2);
  header.writeUInt16BE(own.length + donor.readUInt16BE(6), 6);
  header.writeUInt16BE(donor.readUInt16BE(8), 8);
  header.writeUInt16BE(0, 10);
  return Buffer.concat([header, ...own, ...theirs]);
}

/** The first `count` records of a message, each uncompressed (copy.ts). */
function sectionRecords(m: Buffer, count: number): Buffer[] | null {
  const out: Buffer[] = [];
  let pos = recordsStart(m);
  for (let i = 0; i < count; i += 1) {
    const r = pos < 0 ? null : copyRecord(m, pos);
    if (!r) return null;
    out.push(r.bytes);
    pos = r.end;
  }
  return out;
}
