import type { ZoneVerdict } from '../index/answer.ts';
import { RCODE } from '../wire/constants.ts';
import { answerMessage, errorMessage } from '../wire/response.ts';
import type { Handler, Setup } from './types.ts';

/** Options of {@link createAuthoritative}. */
export interface AuthoritativeOptions {
  /** What our zones answer for a name, for a client (index/answer.ts). */
  answer: (name: string, type: number, address: string) => ZoneVerdict;
}

/**
 * Answers names inside our zones, completely: records, NODATA or NXDOMAIN with the SOA. Never
 * passes a question about one of our names upstream (a public AAAA or HTTPS record would leak past
 * the split horizon), except a zone miss when the policy says forward: that goes on as a new query
 * marked `zoneMiss`. Before the index has synced, zone names get SERVFAIL: never a false NXDOMAIN.
 * Synchronous: an answer is a map lookup and a copy of precomputed bytes.
 */
export function createAuthoritative(o: AuthoritativeOptions): Handler {
  const { answer } = o;
  return (q, next) => {
    const verdict = answer(q.name, q.type, q.client.address);
    if (verdict === 'outside') return next(q);
    if (verdict === 'unsynced') return errorMessage(q, RCODE.SERVFAIL);
    if (verdict === 'forward') return next({ ...q, zoneMiss: true });
    return answerMessage(q, verdict);
  };
}

export const setupAuthoritative: Setup = ({ zones }) => createAuthoritative({ answer: zones.answer });
