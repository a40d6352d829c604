import { hasCode } from '@horizon/shared';
import { type FlowDeps, startLogin } from '../login/flow.ts';
import { providerUnavailable } from '../reply/outages.ts';
import { type Reply, redirect, unauthorized } from '../reply/reply.ts';
import type { CheckRequest } from '../request/read.ts';
import { AUTH_REQUEST_DENIAL } from './auth-request.ts';
import { forbiddenPage } from './signed-in.ts';
import type { Next } from './step.ts';

/**
 * The end of the chain: no session, credential or network got the request through. A signed-in
 * user the policy refuses is told so (403, with a way to sign in as someone else); a page load
 * starts a login (a redirect to the provider, login/flow.ts); everything else gets 401 with a
 * Bearer challenge, and a Basic one where the policy takes app passwords (so a client that only
 * speaks Basic asks its user). nginx's auth_request sub-request starts none: its cookies would
 * be lost.
 */
export function createLoginStep(deps: FlowDeps): Next {
  const login = async (req: CheckRequest, basic: boolean): Promise<Reply> => {
    if (!req.navigation || (req.method !== 'GET' && req.method !== 'HEAD'))
      return unauthorized(req.hostname, 'unauthenticated', undefined, basic);
    try {
      const { location, cookies } = await startLogin(deps, req);
      return redirect(location, cookies, 'login');
    } catch (err) {
      if (hasCode(err, 'E_PROVIDER_UNAVAILABLE')) return providerUnavailable();
      throw err;
    }
  };
  return (c) => {
    if (c.req.authRequest) return AUTH_REQUEST_DENIAL;
    if (c.refused) return forbiddenPage(deps, c.refused);
    return login(c.req, c.policy.appPasswords);
  };
}
