import type { AuthConfig } from '../config.ts';
import type { CookieWriter } from '../login/cookies.ts';
import type { Provider } from '../oidc/provider.ts';
import type { PolicyTable } from '../policy/table.ts';
import type { PageForm } from '../reply/pages.ts';
import { htmlPage, type Reply, redirect } from '../reply/reply.ts';
import { type CheckRequest, originOf, urlOf } from '../request/read.ts';
import type { Sealer } from '../session/seal.ts';
import type { Session, SessionStore } from '../session/types.ts';
import { csrfMatches, csrfToken } from './csrf.ts';
import type { Step } from './step.ts';

export interface SignOutDeps {
  config: Pick<AuthConfig, 'oidc'>;
  provider: Provider;
  store: SessionStore;
  sealer: Sealer;
  cookies: CookieWriter;
  policies: PolicyTable;
}

const CSRF = 'sign-out';

/**
 * A form that signs `session` out: a POST carrying a token bound to the session. The confirmation
 * page shows it, and so does the 403 page of a user a policy refuses, who wants to sign in as
 * someone else (a link would do for a same-origin page, but not every proxy forwards Sec-Fetch-*).
 */
export function signOutForm(
  deps: { config: Pick<AuthConfig, 'oidc'>; sealer: Sealer },
  session: Session,
  button = 'Sign out',
): PageForm {
  const token = encodeURIComponent(csrfToken(deps.sealer, CSRF, session));
  return { action: `${deps.config.oidc.signOutPath}?token=${token}`, button };
}

/** Where the provider sends the browser afterwards: configured (if allow-listed) or the app's root. */
export function postLogoutTarget(deps: SignOutDeps, req: CheckRequest): string {
  const configured = deps.config.oidc.postLogoutRedirect;
  if (configured && deps.policies.hostAllowed(configured.hostname)) return configured.href;
  return `${originOf(req)}/`;
}

/**
 * Sign-out: revoke the session, clear the cookie, then Pocket-ID's end-session. CSRF-safe: a
 * cross-site page cannot sign a user out by linking here. A request the browser marks
 * same-origin or typed-in (Sec-Fetch-Site) is done at once; any other GET gets a confirmation
 * page whose form POSTs a token bound to the session (SameSite=Lax keeps the cookie off
 * cross-site POSTs). The ID token goes to the provider in a POSTed form (RP-Initiated Logout 1.0
 * 2: the end-session endpoint takes POST), never in a URL: URLs end up in histories, logs and
 * Referer headers, and an ID token there was once replayed as a bearer token.
 */
export async function signOut(
  deps: SignOutDeps,
  req: CheckRequest,
  session: Session | undefined,
): Promise<Reply> {
  const target = postLogoutTarget(deps, req);
  if (!session) return redirect(target, [deps.cookies.clearSession()], 'sign-out');
  if (!confirmed(deps.sealer, req, session)) {
    // Not 200: a 200 would let the request through to the app.
    const form = signOutForm(deps, session);
    return htmlPage(403, 'Sign out?', 'Press the button to sign out.', 'sign-out-confirm', {}, form);
  }
  await deps.store.revoke(session);
  return endSession(deps, session, target);
}

/** A POST with the session's token, or a GET the browser marks as its own (typed in, same origin). */
function confirmed(sealer: Sealer, req: CheckRequest, session: Session): boolean {
  if (req.method === 'GET') return req.fetchSite === 'same-origin' || req.fetchSite === 'none';
  const token = urlOf(req).searchParams.get('token');
  return req.method === 'POST' && csrfMatches(sealer, CSRF, token, session);
}

/** The session is gone here: the cookie cleared, then the provider's end-session when it has one. */
export async function endSession(deps: SignOutDeps, session: Session, target: string): Promise<Reply> {
  const clear = [deps.cookies.clearSession()];
  const config = deps.provider.discovered() ? await deps.provider.configuration() : undefined;
  const action = config?.serverMetadata().end_session_endpoint;
  if (!config || !action) return redirect(target, clear, 'sign-out');
  const fields: Record<string, string> = {
    post_logout_redirect_uri: target,
    client_id: config.clientMetadata().client_id,
  };
  if (session.idToken) fields.id_token_hint = session.idToken;
  // Not 200 either (the app would be served); the page is the browser's, whatever the status.
  const form = { action, button: 'Continue', fields, auto: true };
  const text = 'You are signed out here; the identity provider is next.';
  return htmlPage(403, 'Signing out', text, 'sign-out', { 'set-cookie': clear }, form);
}

/** The sign-out path, on every protected host: see {@link signOut}. */
export function createSignOutStep(deps: SignOutDeps): Step {
  return (c, next) =>
    c.req.path === deps.config.oidc.signOutPath ? signOut(deps, c.req, c.session) : next(c);
}
