import type { Grants } from './granted.ts';
import type { Step } from './step.ts';

/**
 * Does the request come from a client network the policy lets in without a login (its
 * `networks`, less its `loginNetworks`)? Then it passes with no identity: every identity header
 * removed, and the access header saying `network`, so the app can tell it from a user. The
 * client is the one the front reports (request/client-address.ts), never a header the client
 * could write. Credentials and sessions were asked first: a signed-in user keeps their identity.
 */
export function createNetworkStep(grants: Grants): Step {
  return (c, next) => {
    const client = c.req.client;
    return client !== undefined && c.policy.passesWithoutLogin(client)
      ? grants.allowed(c, undefined, 'network')
      : next(c);
  };
}
