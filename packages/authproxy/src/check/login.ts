import { hasCode } from '@horizon/shared';
import { type FlowDeps, startLogin } from '../login/flow.ts';
import { providerUnavailable } from '../reply/outages.ts';
import { type Reply, redirect, unauthorized } from '../reply/reply.ts';
import type { CheckRequest } from '../request/read.ts';
import { AUTH_REQUEST_DENIAL } from './auth-request.ts';
import type { Next } from './step.ts';

/**
 * The end of the chain: no session and no token got the request through. A page load starts a
 * login (a redirect to the provider, login/flow.ts); everything else gets 401 with a Bearer
 * challenge. nginx's auth_request sub-request starts none: its cookies would be lost.
 */
export function createLoginStep(deps: FlowDeps): Next {
  const login = async (req: CheckRequest): Promise<Reply> => {
    if (!req.navigation || (req.method !== 'GET' && req.method !== 'HEAD'))
      return unauthorized(req.hostname, 'unauthenticated');
    try {
      const { location, cookies } = await startLogin(deps, req);
      return redirect(location, cookies, 'login');
    } catch (err) {
      if (hasCode(err, 'E_PROVIDER_UNAVAILABLE')) return providerUnavailable();
      throw err;
    }
  };
  return (c) => (c.req.authRequest ? AUTH_REQUEST_DENIAL : login(c.req));
}
