import type { AuthConfig } from '../config.ts';
import type { CookieWriter } from '../login/cookies.ts';
import type { Provider } from '../oidc/provider.ts';
import type { PolicyTable } from '../policy/table.ts';
import type { PageForm } from '../reply/pages.ts';
import { htmlPage, type Reply, redirect } from '../reply/reply.ts';
import { type CheckRequest, originOf } from '../request/read.ts';
import type { Sealer } from '../session/seal.ts';
import type { Session, SessionStore } from '../session/types.ts';
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
  const token = encodeURIComponent(deps.sealer.seal(CSRF, session.sid));
  return { action: `${deps.config.oidc.signOutPath}?token=${token}`, button };
}

/** Where the provider sends the browser afterwards: configured (if allow-listed) or the app's root. */
function postLogoutTarget(deps: SignOutDeps, req: CheckRequest): string {
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
  const token = new URL(req.target, 'http://x').searchParams.get('token');
  const confirmed =
    (req.method === 'POST' && token !== null && tokenMatches(deps.sealer, token, session.sid)) ||
    (req.method === 'GET' && (req.fetchSite === 'same-origin' || req.fetchSite === 'none'));
  if (!confirmed) {
    // Not 200: a 200 would let the request through to the app.
    return htmlPage(
      403,
      'Sign out?',
      'Press the button to sign out.',
      'sign-out-confirm',
      {},
      signOutForm(deps, session),
    );
  }
  await deps.store.revoke(session);
  const clear = { 'set-cookie': [deps.cookies.clearSession()] };
  const endSession = deps.provider.discovered()
    ? (await deps.provider.configuration()).serverMetadata().end_session_endpoint
    : undefined;
  if (!endSession) return redirect(target, clear['set-cookie'], 'sign-out');
  const fields: Record<string, string> = {
    post_logout_redirect_uri: target,
    client_id: (await deps.provider.configuration()).clientMetadata().client_id,
  };
  if (session.idToken) fields.id_token_hint = session.idToken;
  // Not 200 either (the app would be served); the page is the browser's, whatever the status.
  return htmlPage(
    403,
    'Signing out',
    'You are signed out here; the identity provider is next.',
    'sign-out',
    clear,
    {
      action: endSession,
      button: 'Continue',
      fields,
      auto: true,
    },
  );
}

function tokenMatches(sealer: Sealer, token: string, sid: string): boolean {
  try {
    return sealer.open(CSRF, token) === sid;
  } catch {
    return false;
  }
}

/** The sign-out path, on every protected host: see {@link signOut}. */
export function createSignOutStep(deps: SignOutDeps): Step {
  return (c, next) =>
    c.req.path === deps.config.oidc.signOutPath ? signOut(deps, c.req, c.session) : next(c);
}
