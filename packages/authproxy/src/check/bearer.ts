import type { BearerVerifier } from '../oidc/bearer.ts';
import { authorize } from '../policy/policies.ts';
import { outagePage } from '../reply/outages.ts';
import { type Reply, unauthorized } from '../reply/reply.ts';
import type { Grants } from './granted.ts';
import type { CheckContext, Step } from './step.ts';

/**
 * May the holder of a bearer token pass (scripts and CLIs, with `bearer.enabled`)? A valid
 * provider-issued access token (oidc/bearer.ts) of someone the policy lets in passes; someone
 * else gets 403 `insufficient_scope`, a bad token 401 `invalid_token` (RFC 6750 3.1), a provider
 * that cannot be asked its outage page.
 */
export function createBearerStep(bearer: BearerVerifier | undefined, grants: Grants): Step {
  const viaBearer = async (c: CheckContext, token: string): Promise<Reply> => {
    const { req, policy, at } = c;
    try {
      const id = await (bearer as BearerVerifier).verify(token, at);
      if (!authorize(policy, id))
        return { ...unauthorized(req.hostname, 'forbidden', 'insufficient_scope'), status: 403 };
      // The token is the user's access token: an app asking for it gets it (an ID token it has not).
      return grants.allowed(c, id, 'bearer', { token: policy.idpToken === 'access' ? token : undefined });
    } catch (err) {
      return outagePage(err) ?? unauthorized(req.hostname, 'bad-token', 'invalid_token');
    }
  };
  return (c, next) => {
    const authorization = c.req.authorization;
    if (!bearer || !authorization?.toLowerCase().startsWith('bearer ')) return next(c);
    return viaBearer(c, authorization.slice(7).trim());
  };
}
