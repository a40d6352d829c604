import type { Identity } from '../session/types.ts';

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** Pocket-ID's `groups` claim is a list of group names; tolerate a single string too. */
export function groupsOf(v: unknown): string[] | undefined {
  if (Array.isArray(v)) return v.filter((g): g is string => typeof g === 'string');
  if (typeof v === 'string') return v === '' ? [] : [v];
  return undefined;
}

/** The identity in ID token (or userinfo) claims. Users are keyed on `sub`: email is optional. */
export function identityOf(claims: Record<string, unknown>, groups?: string[]): Identity {
  const sub = str(claims.sub);
  if (!sub) throw new TypeError('claims without sub');
  const id: Identity = {
    sub,
    user: str(claims.preferred_username) ?? sub,
    groups: groups ?? groupsOf(claims.groups) ?? [],
  };
  const email = str(claims.email);
  if (email) id.email = email;
  if (typeof claims.email_verified === 'boolean') id.emailVerified = claims.email_verified;
  const name = str(claims.name) ?? str(claims.display_name);
  if (name) id.name = name;
  return id;
}
