import { decodeJwt } from 'jose';
import type { Invalidation } from './invalidation.ts';
import { createRecent } from './recent.ts';
import type { IdpTokens } from './types.ts';
import { TOKEN_MARGIN_SECONDS, type Users } from './users.ts';

interface Held {
  access: string | undefined;
  id: string | undefined;
  /** Until when both may be handed out, seconds: their expiry less the margin. */
  until: number;
}

/** An ID token's `exp`, or undefined when it cannot be read. */
function expiryOf(token: string | undefined): number | undefined {
  if (!token) return undefined;
  try {
    const exp = decodeJwt(token).exp;
    return typeof exp === 'number' ? exp : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The users' IdP tokens for apps that read them (a policy's `idpToken`), from their user records
 * (users.ts): handed out from memory while good for TOKEN_MARGIN_SECONDS more, then refreshed at
 * the provider, once across replicas, and waited for. A user the provider refused has none, and a
 * revocation of the user (sign-out everywhere, a refusal) drops what is held at once.
 */
export function idpTokens(users: Users, invalidation: Invalidation, size = 10_000): IdpTokens {
  const held = createRecent<string, Held>(size);
  invalidation.on((what) => {
    if (what === 'everything') for (const [sub] of held.entries()) held.delete(sub);
    else if (what.kind === 'user') held.delete(what.id);
  });
  const fetch = async (sub: string, kind: 'access' | 'id', now: number) => {
    const r = await users.withFreshToken(sub, now);
    if (!r || r.refused) {
      held.delete(sub);
      return undefined;
    }
    const ends = [r.accessExpiresAt, expiryOf(r.idToken)].filter((t): t is number => t !== undefined);
    const until =
      (ends.length > 0 ? Math.min(...ends) : now + TOKEN_MARGIN_SECONDS * 2) - TOKEN_MARGIN_SECONDS;
    if (until > now && invalidation.listening())
      held.set(sub, { access: r.accessToken, id: r.idToken, until });
    return kind === 'access' ? r.accessToken : r.idToken;
  };
  return {
    token(sub, kind, now) {
      const hit = invalidation.listening() ? held.get(sub) : undefined;
      if (hit && hit.until > now) return kind === 'access' ? hit.access : hit.id;
      return fetch(sub, kind, now);
    },
  };
}
