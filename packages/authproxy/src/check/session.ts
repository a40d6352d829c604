import type { CookieWriter } from '../login/cookies.ts';
import type { Session, SessionStore } from '../session/types.ts';
import { andThen } from './maybe.ts';
import type { Step } from './step.ts';

export interface SessionStepDeps {
  store: SessionStore;
  cookies: CookieWriter;
}

/**
 * Which session the request's cookie names, passed on to the steps after it. A session counts
 * only where it was issued: its host, or the cookie domain it was shared on (a cookie an app saw
 * and replayed on another host is no session there). Answered without a promise when the store
 * needs no I/O (a cached or sealed session).
 */
export function createSessionStep(deps: SessionStepDeps): Step {
  const { store, cookies } = deps;
  const domain = cookies.domain;
  const bound = (s: Session, hostname: string): boolean =>
    domain ? hostname === domain || hostname.endsWith(`.${domain}`) : s.host === hostname;
  return (c, next) => {
    const value = c.req.cookies[cookies.sessionName];
    if (!value) return next(c);
    return andThen(store.read(value, c.at), (session) =>
      session && bound(session, c.req.hostname) ? next({ ...c, session }) : next(c),
    );
  };
}
