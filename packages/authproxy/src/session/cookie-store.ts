import type { Logger } from '@horizon/shared';
import type { Sealer } from './seal.ts';
import { expired, type Lifetimes, type Session, type SessionStore } from './types.ts';

/** Browsers keep 4096 bytes per cookie, name and attributes included. */
const MAX_VALUE = 3800;
const PURPOSE = 'session';

export interface CookieStoreOptions extends Lifetimes {
  sealer: Sealer;
  logger: Logger;
}

/**
 * Sessions sealed into the cookie itself: no infrastructure, survives restarts, works across
 * replicas that share the keys. Sign-out clears the browser's cookie but cannot revoke a copy
 * taken elsewhere before it expires; refresh tokens are not kept (the cookie could not be
 * updated when the provider rotates them).
 */
export function createCookieStore(options: CookieStoreOptions): SessionStore {
  const { sealer, logger } = options;
  let warnedSize = false;

  const seal = (session: Session): string => {
    const sealed = sealer.seal(PURPOSE, session);
    if (sealed.length <= MAX_VALUE || session.idToken === undefined) return sealed;
    // An oversized cookie is dropped by the browser and the login loops (Envoy's oidc filter
    // does this past ~4 KB). Keep the session; sign-out then names the client instead of the token.
    if (!warnedSize) {
      warnedSize = true;
      logger.warn({ bytes: sealed.length }, 'ID token too large for the cookie; sign-out will use client_id');
    }
    const { idToken: _dropped, ...rest } = session;
    return sealer.seal(PURPOSE, rest);
  };

  return {
    create: async (session) => seal(session),
    read(cookieValue, now) {
      let session: Session;
      try {
        session = sealer.open(PURPOSE, cookieValue) as Session;
      } catch {
        return undefined;
      }
      // Sessions from before host binding have no host: they end (one more sign-in).
      if (
        typeof session?.sid !== 'string' ||
        typeof session.host !== 'string' ||
        !Array.isArray(session.groups)
      )
        return undefined;
      return expired(session, options, now) ? undefined : session;
    },
    renew: (session, now) => seal({ ...session, renewedAt: now }),
    // Nothing on the server to revoke or close: the cookie is cleared by the sign-out answer.
    revoke: async () => undefined,
    close: async () => undefined,
  };
}
