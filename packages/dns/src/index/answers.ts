import { TYPE } from '../wire/constants.ts';
import { type Owner, record } from '../wire/records.ts';
import type { Answer } from '../wire/response.ts';
import type { RecordSets, RRset } from './types.ts';
import type { Zone } from './zone.ts';

/** An answer section of records, NOERROR with AA. */
export const answerOf = (ancount: number, body: Buffer, authority?: Buffer): Answer => ({
  rcode: 0,
  aa: true,
  ancount,
  nscount: authority ? 1 : 0,
  arcount: 0,
  body: authority ? Buffer.concat([body, authority]) : body,
});

/** An RRset's records on the wire, under `owner` (the question's name, or a full name in a chain). */
export const rrsetBytes = (owner: Owner, type: number, set: RRset): Buffer =>
  Buffer.concat(set.rdata.map((rdata) => record(owner, type, set.ttl, rdata)));

/**
 * NODATA for a name we hold (RFC 2308 §2.2): inside a zone with its SOA; for a static name outside
 * every zone, an empty NOERROR with AA (as CoreDNS's hosts plugin answers), there being no SOA to give.
 */
export const nodataOf = (zone: Zone | undefined): Answer => zone?.nodata ?? answerOf(0, Buffer.alloc(0));

/**
 * A name's answers by type, from its RRsets: each RRset whole; ANY answered with one RRset (RFC
 * 8482 §4.2: A, else AAAA, else the first there is). At a zone's apex, see {@link withApex}.
 */
export function answersOf(sets: RecordSets, zone: Zone | undefined): Map<number, Answer> {
  const answers = new Map<number, Answer>();
  for (const [type, set] of sets) {
    if (set.rdata.length > 0)
      answers.set(type, answerOf(set.rdata.length, rrsetBytes('question', type, set)));
  }
  const first = answers.values().next().value;
  const any = answers.get(TYPE.A) ?? answers.get(TYPE.AAAA) ?? first ?? nodataOf(zone);
  answers.set(TYPE.ANY, any);
  return answers;
}

/** The apex's own answers (SOA, NS, ANY) over a name's: the zone's records are never replaced. */
export function withApex(answers: Map<number, Answer>, zone: Zone): Map<number, Answer> {
  const out = new Map(answers);
  for (const [type, answer] of zone.apex) out.set(type, answer);
  return out;
}
