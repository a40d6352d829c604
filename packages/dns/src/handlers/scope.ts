import { CLASS_IN, RCODE, TYPE } from '../wire/constants.ts';
import { errorMessage } from '../wire/response.ts';
import type { Handler, Setup } from './types.ts';

/** Meta-types that are not questions at all (RFC 6895 §3.1): OPT, TKEY, TSIG as a QTYPE is malformed. */
const META = new Set<number>([TYPE.OPT, TYPE.TKEY, TYPE.TSIG]);

/**
 * What Horizon answers at all, before any name is looked at:
 *
 * - Class IN only. Our zones exist in IN; a question in CH, HS, ANY, NONE or 0 is REFUSED, for our
 *   names and every other (forwarding it would send our zone names to public resolvers, or loop
 *   through a router that forwards the zone back to us). RFC 1035 §3.2.4-5, RFC 6895 §3.2.
 * - No zone transfers: AXFR and IXFR are REFUSED (RFC 5936 §4.2 lets a server refuse them).
 * - OPT, TKEY or TSIG as the question type: FORMERR; MAILA and MAILB (obsolete): NOTIMP.
 */
export function createScope(): Handler {
  return (q, next) => {
    if (q.class !== CLASS_IN) return errorMessage(q, RCODE.REFUSED);
    if (q.type === TYPE.AXFR || q.type === TYPE.IXFR) return errorMessage(q, RCODE.REFUSED);
    if (META.has(q.type)) return errorMessage(q, RCODE.FORMERR);
    if (q.type === TYPE.MAILA || q.type === TYPE.MAILB) return errorMessage(q, RCODE.NOTIMP);
    return next(q);
  };
}

export const setupScope: Setup = () => createScope();
