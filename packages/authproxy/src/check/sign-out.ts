import * as client from 'openid-client';
import type { AuthConfig } from '../config.ts';
import type { Provider } from '../oidc/provider.ts';
import type { PolicyTable } from '../policy/index.ts';
import type { Sealer } from '../session/seal.ts';
import type { Session, SessionStore } from '../session/types.ts';
import type { CookieWriter } from './cookies.ts';
import { htmlPage, type Reply, redirect } from './reply.ts';
import { type CheckRequest, originOf, urlOf } from './request.ts';

export interface SignOutDeps {
  config: Pick<AuthConfig, 'oidc'>;
  provider: Provider;
  store: SessionStore;
  sealer: Sealer;
  cookies: CookieWriter;
  policies: PolicyTable;
}

const CSRF = 'sign-out';

/** Where the provider sends the browser afterwards: configured (if allow-listed) or the app's root. */
function postLogoutTarget(deps: SignOutDeps, req: CheckRequest): string {
  const configured = deps.config.oidc.postLogoutRedirect;
  if (configured) {
    const url = URL.parse(configured);
    if (url && deps.policies.hostAllowed(url.hostname)) return url.href;
  }
  return `${originOf(req)}/`;
}

/**
 * Sign-out: revoke the session, clear the cookie, then Pocket-ID's end-session with
 * `id_token_hint` and the post-logout target. CSRF-safe: a cross-site page cannot sign a user
 * out by linking here. A request the browser marks same-origin or typed-in (Sec-Fetch-Site) is
 * done at once; any other GET gets a confirmation page whose form POSTs a token bound to the
 * session (SameSite=Lax keeps the cookie off cross-site POSTs).
 */
export async function signOut(
  deps: SignOutDeps,
  req: CheckRequest,
  session: Session | undefined,
): Promise<Reply> {
  const site = req.fetchSite;
  const url = urlOf(req);
  const target = postLogoutTarget(deps, req);
  if (!session) return redirect(target, [deps.cookies.clearSession()], 'sign-out');
  const token = url.searchParams.get('token');
  const confirmed =
    (req.method === 'POST' && token !== null && tokenMatches(deps.sealer, token, session.sid)) ||
    (req.method === 'GET' && (site === 'same-origin' || site === 'none'));
  if (!confirmed) {
    // Not 200: a 200 would let the request through to the app.
    const action = `${url.pathname}?token=${encodeURIComponent(deps.sealer.seal(CSRF, session.sid))}`;
    return htmlPage(
      403,
      'Sign out?',
      'Press the button to sign out.',
      'sign-out-confirm',
      {},
      { action, button: 'Sign out' },
    );
  }
  await deps.store.revoke(session);
  let location = target;
  if (deps.provider.discovered()) {
    const config = await deps.provider.configuration();
    if (config.serverMetadata().end_session_endpoint) {
      const params: Record<string, string> = {
        post_logout_redirect_uri: target,
        client_id: config.clientMetadata().client_id,
      };
      if (session.idToken) params.id_token_hint = session.idToken;
      location = client.buildEndSessionUrl(config, params).href;
    }
  }
  return redirect(location, [deps.cookies.clearSession()], 'sign-out');
}

function tokenMatches(sealer: Sealer, token: string, sid: string): boolean {
  try {
    return sealer.open(CSRF, token) === sid;
  } catch {
    return false;
  }
}
