import { stringifySetCookie } from 'cookie';
import type { AuthConfig } from '../config.ts';

/** Set-Cookie strings for the session and login-flow cookies, with the attributes fixed once. */
export interface CookieWriter {
  readonly sessionName: string;
  session(value: string): string;
  clearSession(): string;
  /** Name of the flow cookie of one login, keyed by its state, so several tabs can log in at once. */
  flowName(state: string): string;
  flow(state: string, value: string): string;
  clear(name: string): string;
  /** Names of every flow cookie a request carries. */
  flowNames(cookies: Record<string, string | undefined>): string[];
}

export function createCookieWriter(cookie: AuthConfig['cookie'], flowTtlSeconds: number): CookieWriter {
  const base = {
    path: '/',
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: cookie.secure,
    ...(cookie.domain ? { domain: cookie.domain } : {}),
  };
  const flowPrefix = `${cookie.name}-flow-`;
  const write = (name: string, value: string, maxAge: number) =>
    stringifySetCookie({ name, value, ...base, maxAge });
  return {
    sessionName: cookie.name,
    session: (value) => write(cookie.name, value, cookie.absoluteSeconds),
    clearSession: () => write(cookie.name, '', 0),
    flowName: (state) => `${flowPrefix}${state.slice(0, 16)}`,
    flow: (state, value) => write(`${flowPrefix}${state.slice(0, 16)}`, value, flowTtlSeconds),
    clear: (name) => write(name, '', 0),
    flowNames: (cookies) => Object.keys(cookies).filter((n) => n.startsWith(flowPrefix)),
  };
}
