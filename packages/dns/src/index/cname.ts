import { TYPE } from '../wire/constants.ts';
import { type Owner, record } from '../wire/records.ts';
import type { Answer } from '../wire/response.ts';
import { answerOf, rrsetBytes } from './answers.ts';
import { LIMITS, type Problems } from './limits.ts';
import type { Claim } from './types.ts';
import type { Zone } from './zone.ts';

/** What a name is when the index is built: a claim that serves it, a name with nothing but names below it, or nothing of ours. */
export type Resolved = { claim: Claim; zone: Zone | undefined } | { ent: Zone } | 'none';

/**
 * The answers of a name that is a CNAME, per view, chased through our own data when it is built
 * (RFC 1034 §3.6.2, as an authoritative server completes a chain inside its zones): the CNAME,
 * then each CNAME it leads to, then the target's records of the asked type (for a Gateway's
 * route, that view's address). A target with nothing of that type ends in NODATA with its zone's
 * SOA. A target outside our data (another domain, or a name we do not have, whose answer is the
 * zone-miss policy's) ends the answer at the CNAME: the client's resolver follows it. A loop, or
 * a chain past {@link LIMITS.cnameChain}, ends where it repeats or runs out, and is a problem.
 */
export function cnameAnswers(
  claim: Claim,
  resolve: (name: string) => Resolved,
  viewCount: number,
  problems: Problems,
): { answers: Map<number, Answer>[]; otherwise: Answer } {
  const chain: Buffer[] = [];
  const seen = new Set([claim.name]);
  let current = claim;
  let owner: Owner = 'question';
  let end: Resolved = 'none';
  for (;;) {
    const set = current.views[0]?.get(TYPE.CNAME);
    const target = set?.text[0];
    if (!set || target === undefined) break;
    chain.push(record(owner, TYPE.CNAME, set.ttl, set.rdata[0] as Buffer));
    if (seen.has(target) || chain.length >= LIMITS.cnameChain) {
      const why = seen.has(target) ? 'a CNAME loop' : `more than ${LIMITS.cnameChain} CNAMEs`;
      problems.add(
        claim.owner,
        `${claim.name}: ${why} (${[...seen, target].join(' -> ')}): the answer ends there`,
      );
      end = 'none';
      break;
    }
    seen.add(target);
    end = resolve(target);
    if (end === 'none' || 'ent' in end || !end.claim.views[0]?.has(TYPE.CNAME)) {
      owner = target;
      break;
    }
    current = end.claim;
    owner = target;
  }
  const body = Buffer.concat(chain);
  const first = answerOf(1, chain[0] ?? Buffer.alloc(0));
  const zone = end === 'none' ? undefined : 'ent' in end ? end.ent : end.zone;
  const otherwise = answerOf(chain.length, body, zone?.nodata.body);
  const final =
    end !== 'none' && 'claim' in end && !end.claim.views[0]?.has(TYPE.CNAME) ? end.claim : undefined;
  const views = final && final.views.length > 1 ? viewCount : 1;
  const answers = Array.from({ length: views }, (_, v) => {
    const map = new Map<number, Answer>([
      [TYPE.CNAME, first],
      [TYPE.ANY, first], // RFC 8482: one RRset, the name's own
    ]);
    for (const [type, set] of final?.views[v] ?? final?.views[0] ?? []) {
      map.set(
        type,
        answerOf(chain.length + set.rdata.length, Buffer.concat([body, rrsetBytes(owner, type, set)])),
      );
    }
    return map;
  });
  return { answers, otherwise };
}
