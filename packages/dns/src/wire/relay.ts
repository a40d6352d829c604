import { FLAG, TYPE } from './constants.ts';
import { copyRecord, recordsStart } from './copy.ts';
import { addressTo } from './message.ts';
import { readName } from './name.ts';
import type { Query } from './query.ts';
import { skipName } from './query.ts';
import { recordEnd } from './response.ts';

/**
 * The upstream's reply made ours: the client's ID and question bytes (0x20 case); AA cleared (a
 * relayed or cached answer is not authoritative; recursive resolvers never set it); without the
 * upstream's OPT (EDNS is hop-by-hop; the server adds its own); and without any record owned by a
 * name in our zones (`ours`). The public side never speaks for our zones (the split horizon;
 * RFC 5452 §6's rule that a resolver takes only in-bailiwick data, applied to the zones we own):
 * `www.example.org CNAME id.<zone>` stays, `id.<zone> A 6.6.6.6` goes, and so do an NS for our zone
 * and its glue. The one exception is a zone-miss question's own name, which the zone-miss upstream
 * was asked for. When records go, the rest is copied uncompressed (a pointer into a dropped record
 * would dangle) and AD is cleared (this is no longer the answer that was validated).
 * Returns null if the reply is malformed.
 */
export function relay(reply: Buffer, q: Query, ours: (name: string) => boolean): Buffer | null {
  let pos = recordsStart(reply);
  if (pos < 16 || pos !== q.questionEnd) return null;
  const counts = [reply.readUInt16BE(6), reply.readUInt16BE(8), reply.readUInt16BE(10)];
  const total = (counts[0] ?? 0) + (counts[1] ?? 0) + (counts[2] ?? 0);
  const starts: number[] = [];
  const dropped: boolean[] = [];
  let foreign = false;
  for (let i = 0; i < total; i += 1) {
    const end = recordEnd(reply, pos);
    if (end < 0) return null;
    const type = reply.readUInt16BE(skipName(reply, pos));
    const owner = type === TYPE.OPT ? null : readName(reply, pos)?.name;
    // An owner we cannot read (a forward pointer, a loop) could still name one of ours to a
    // client's more lenient parser: the whole reply is malformed to us.
    if (owner === undefined) return null;
    const isOurs = owner !== null && ours(owner) && !(q.zoneMiss && owner === q.name);
    foreign ||= isOurs;
    starts.push(pos);
    dropped.push(type === TYPE.OPT || isOurs);
    pos = end;
  }
  starts.push(pos);
  const kept: Buffer[] = [reply.subarray(0, q.questionEnd)];
  const section: [number, number, number] = [0, 0, 0];
  for (let i = 0; i < total; i += 1) {
    if (dropped[i]) continue;
    const at = starts[i] ?? 0;
    // Without foreign records, only OPTs go: nothing points into an OPT (owner: the root).
    const bytes = foreign ? copyRecord(reply, at)?.bytes : reply.subarray(at, starts[i + 1]);
    if (!bytes) return null;
    kept.push(bytes);
    const s = i < (counts[0] ?? 0) ? 0 : i < (counts[0] ?? 0) + (counts[1] ?? 0) ? 1 : 2;
    section[s] += 1;
  }
  const out = Buffer.concat(kept);
  out.writeUInt16BE(out.readUInt16BE(2) & ~FLAG.AA & ~(foreign ? FLAG.AD : 0), 2);
  for (const [s, n] of section.entries()) out.writeUInt16BE(n, 6 + 2 * s);
  return addressTo(out, q);
}
