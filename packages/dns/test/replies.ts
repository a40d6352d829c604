// Queries and upstream replies built by hand, for the cache, pool and stale tests.
import { TYPE } from '../src/wire/constants.ts';
import { encodeName } from '../src/wire/name.ts';
import type { Query } from '../src/wire/query.ts';
import { record, soaRdata } from '../src/wire/records.ts';
import { queryOf } from './queries.ts';

export const question = (name: string) => Buffer.concat([encodeName(name), Buffer.from([0, 1, 0, 1])]);
/** A parsed query for `name` (A) with `id`. */
export const q = (name: string, id = 7): Query => queryOf(name, TYPE.A, 1, { id });
/** A reply message: rcode, answers with `ttl`, optionally an authority SOA with MINIMUM `minimum`. */
export function reply(
  name: string,
  rcode: number,
  answerTtl?: number,
  soa?: { ttl: number; minimum: number },
  flags = 0x8180,
): Buffer {
  const answers =
    answerTtl === undefined ? [] : [record('question', TYPE.A, answerTtl, Buffer.from([10, 0, 0, 1]))];
  const authority = soa
    ? [
        record(
          'example.org',
          TYPE.SOA,
          soa.ttl,
          soaRdata({
            mname: 'ns.example.org',
            rname: 'h.example.org',
            serial: 1,
            refresh: 1,
            retry: 1,
            expire: 1,
            minimum: soa.minimum,
          }),
        ),
      ]
    : [];
  const header = Buffer.from([
    0,
    7,
    (flags >> 8) & 0xff,
    (flags & 0xf0) | rcode,
    0,
    1,
    0,
    answers.length,
    0,
    authority.length,
    0,
    0,
  ]);
  return Buffer.concat([header, question(name), ...answers, ...authority]);
}
/** The TTL of the first answer record. */
export const ttlOf = (m: Buffer) => m.readUInt32BE(12 + question('a.example.org').length + 6);
/** The config's cache defaults, stale answers and prefetch off unless a test turns them on. */
export const CACHE_DEFAULTS = {
  size: 100,
  minTtl: 0,
  maxTtl: 86400,
  servfailTtl: 5,
  staleSeconds: 0,
  staleReplyMs: 1800,
  prefetchHits: 0,
};
