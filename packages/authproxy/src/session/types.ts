/** Who a user is, as the ID token (or userinfo) said at login or at the last re-validation. */
export interface Identity {
  sub: string;
  /** preferred_username, else sub. */
  user: string;
  email?: string;
  emailVerified?: boolean;
  name?: string;
  groups: string[];
}

/** A signed-in session. Times are seconds since the epoch. */
export interface Session extends Identity {
  sid: string;
  /**
   * The host the login finished on. The session is valid there only (or, with `cookie.domain`,
   * on that domain): a cookie an app saw and replayed on another host is no session there.
   */
  host: string;
  createdAt: number;
  /** When the cookie was last written (cookie store) or the session last seen (Redis store). */
  renewedAt: number;
  /** For `id_token_hint` at sign-out; dropped when it would make the cookie too large. */
  idToken?: string;
}

/** Tokens from the provider that a server-side store keeps. */
export interface ProviderTokens {
  refreshToken?: string;
  idToken?: string;
  accessToken?: string;
  /** The access token's lifetime from now, seconds (`expires_in`). */
  accessExpiresIn?: number;
}

/** What re-validation at the provider returns: fresh claims and the rotated tokens. */
export interface Revalidated extends ProviderTokens {
  identity: Identity;
}

/**
 * Uses a refresh token at the provider (a server-side store's re-validation). Throws
 * E_PROVIDER_REJECTED when the provider refuses it (user disabled, grant revoked: the session
 * ends) and E_PROVIDER_UNAVAILABLE when it cannot be asked (the session goes on).
 */
export type Revalidate = (refreshToken: string) => Promise<Revalidated>;

/**
 * The users' tokens from the provider, for apps that read them (a policy's `idpToken`): kept by a
 * server-side store, the access token refreshed before it expires. Undefined when the user has
 * none (signed in before tokens were kept, or the provider gave none). Answers without a promise
 * while the token in memory is fresh.
 */
export interface IdpTokens {
  token(sub: string, kind: 'access' | 'id', now: number): string | undefined | Promise<string | undefined>;
}

/** Session lifetimes, in seconds. */
export interface Lifetimes {
  idleSeconds: number;
  absoluteSeconds: number;
}

/**
 * Where sessions live. The cookie value a store returns never changes for the session's life
 * unless `renew` says so: Envoy cannot set a cookie on an allowed (200) answer.
 */
export interface SessionStore {
  /** Stores a new session and returns the cookie value that names it. */
  create(session: Session, tokens: ProviderTokens): Promise<string>;
  /**
   * The live session a cookie value names, or undefined (expired, revoked, forged). Answers
   * without a promise when no I/O is needed (a cached or sealed session): a check in front of
   * every request should not pay for promise turns it does not need.
   */
  read(cookieValue: string, now: number): Session | undefined | Promise<Session | undefined>;
  /** A re-written cookie value that restarts the idle clock, when the store needs one. */
  renew(session: Session, now: number): string | undefined;
  revoke(session: Session): Promise<void>;
  /** Ends every session of a user (sign-out everywhere), where the store can find them all. */
  revokeUser?(sub: string): Promise<void>;
  close(): Promise<void>;
  /** False while the store fails every call at once (a server-side store during an outage). */
  available?(): boolean;
}

/** True when a session is past its absolute or idle lifetime. */
export const expired = (s: Session, lifetimes: Lifetimes, now: number): boolean =>
  now - s.createdAt >= lifetimes.absoluteSeconds || now - s.renewedAt >= lifetimes.idleSeconds;
