import { stringifySetCookie } from 'cookie';
import type { AuthConfig } from '../config.ts';

/** Set-Cookie strings for the session and login-flow cookies, with the attributes fixed once. */
export interface CookieWriter {
  readonly sessionName: string;
  /** Every flow cookie's name starts with this. */
  readonly flowPrefix: string;
  /** `cookie.domain` (lower-cased, without its leading dot); '' for host-only sessions. */
  readonly domain: string;
  session(value: string): string;
  clearSession(): string;
  /** Name of the flow cookie of one login, keyed by its state, so several tabs can log in at once. */
  flowName(state: string): string;
  flow(state: string, value: string): string;
  clearFlow(name: string): string;
  /** Names of the flow cookies a request carries (only names this service could have written). */
  flowNames(cookies: Record<string, string | undefined>): string[];
}

/** The state's first 16 characters name a flow cookie: 96 random bits, base64url. */
const STATE_CHARS = 16;

export function createCookieWriter(cookie: AuthConfig['cookie'], flowTtlSeconds: number): CookieWriter {
  const domain = cookie.domain;
  const base = { path: '/', httpOnly: true, sameSite: 'lax' as const, secure: cookie.secure };
  const sessionAttributes = domain ? { ...base, domain } : base;
  const flowPrefix = `${cookie.name}-flow-`;
  const flowName = new RegExp(
    `^${flowPrefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[A-Za-z0-9_-]{${STATE_CHARS}}$`,
  );
  // Flow cookies are host-only even when the session is shared across a domain: the callback
  // comes back to the host the login started on, and another host's flows are not its to clear.
  const writeFlow = (name: string, value: string, maxAge: number) =>
    stringifySetCookie({ name, value, ...base, maxAge });
  return {
    sessionName: cookie.name,
    flowPrefix,
    domain,
    session: (value) =>
      stringifySetCookie({ name: cookie.name, value, ...sessionAttributes, maxAge: cookie.absoluteSeconds }),
    clearSession: () => stringifySetCookie({ name: cookie.name, value: '', ...sessionAttributes, maxAge: 0 }),
    flowName: (state) => `${flowPrefix}${state.slice(0, STATE_CHARS)}`,
    flow: (state, value) => writeFlow(`${flowPrefix}${state.slice(0, STATE_CHARS)}`, value, flowTtlSeconds),
    clearFlow: (name) => writeFlow(name, '', 0),
    flowNames: (cookies) => Object.keys(cookies).filter((n) => flowName.test(n)),
  };
}
