import type { AuthConfig } from '../config.ts';
import type { CookieWriter } from '../login/cookies.ts';
import { authorize } from '../policy/policies.ts';
import { htmlPage, type Reply, redirect } from '../reply/reply.ts';
import { originOf } from '../request/read.ts';
import type { Sealer } from '../session/seal.ts';
import type { Session, SessionStore } from '../session/types.ts';
import type { Grants } from './granted.ts';
import { signOutForm } from './sign-out.ts';
import type { Step } from './step.ts';

export interface SignedInDeps {
  config: Pick<AuthConfig, 'oidc' | 'cookie'>;
  grants: Grants;
  store: SessionStore;
  cookies: CookieWriter;
  sealer: Sealer;
}

/** The page of a signed-in user a policy does not let in: who they are, and a way to sign in as someone else. */
export function forbiddenPage(
  deps: { config: Pick<AuthConfig, 'oidc'>; sealer: Sealer },
  session: Session,
): Reply {
  return htmlPage(
    403,
    'Forbidden',
    `You are signed in as ${session.user}, who may not use this app.`,
    'forbidden',
    {},
    signOutForm(deps, session, 'Sign out, to sign in as someone else'),
  );
}

/**
 * May the signed-in user pass? Someone the policy does not let in is handed on as `refused`
 * (a client network may still let the request in, without an identity); the chain's end shows
 * them {@link forbiddenPage}. A page load `cookie.renewSeconds` after a cookie session was
 * written re-writes it (a redirect to the same URL, since Envoy sets no cookie on a 200), which
 * keeps its idle clock; everything else passes with the identity headers.
 */
export function createSignedInStep(deps: SignedInDeps): Step {
  const { grants, store, cookies } = deps;
  const renewSeconds = deps.config.cookie.renewSeconds;
  return (c, next) => {
    const { req, session, at } = c;
    if (!session) return next(c);
    if (!authorize(c.policy, session)) return next({ ...c, session: undefined, refused: session });
    const renews =
      !req.authRequest && req.navigation && req.method === 'GET' && at - session.renewedAt >= renewSeconds;
    const renewed = renews ? store.renew(session, at) : undefined;
    if (renewed) return redirect(`${originOf(req)}${req.target}`, [cookies.session(renewed)], 'renew');
    return grants.granted(c, session, 'session');
  };
}
