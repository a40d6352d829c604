import type { Sealer } from '../session/seal.ts';
import type { Session } from '../session/types.ts';

/**
 * A token bound to one session and one purpose, sealed: what a form of the service's own pages
 * (sign-out, app passwords) POSTs back in its action's query. A page of another site cannot
 * know it, and it opens for nothing else (the purpose is sealed in).
 */
export const csrfToken = (sealer: Sealer, purpose: string, session: Session): string =>
  sealer.seal(purpose, session.sid);

/** True when `token` is the session's for `purpose`. */
export function csrfMatches(
  sealer: Sealer,
  purpose: string,
  token: string | null,
  session: Session,
): boolean {
  if (token === null) return false;
  try {
    return sealer.open(purpose, token) === session.sid;
  } catch {
    return false;
  }
}
