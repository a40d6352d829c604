import type { AuthConfig } from '../config.ts';
import { ANY_SIGNED_IN } from '../policy/policies.ts';
import type { PolicyTable } from '../policy/table.ts';
import { refusalPage } from '../reply/refusals.ts';
import { htmlPage, type Reply } from '../reply/reply.ts';
import type { CheckRequest } from '../request/read.ts';
import type { CheckContext } from './step.ts';

export interface PolicyStepDeps {
  policies: PolicyTable;
  defaultPolicy: AuthConfig['defaultPolicy'];
  /** Seconds since the epoch: the check's one reading of the clock is taken here. */
  now: () => number;
}

/**
 * Which policy judges the request (policy/table.ts): the context every later step reads. A path
 * no policy covers is judged by ANY_SIGNED_IN on a host some policy (or `redirectHosts`) names,
 * and on every host with `defaultPolicy: authenticated`; otherwise it is refused (403), as is
 * any path a named policy does not cover. Refused too: a path whose readings lead to different
 * decisions (400) and a named policy that does not exist.
 */
export function createPolicyStep(deps: PolicyStepDeps): (req: CheckRequest) => CheckContext | Reply {
  const { policies, defaultPolicy, now } = deps;
  return (req) => {
    const match = policies.match(req.hostname, req.path, req.spellings, req.method, req.policyName);
    if ('refused' in match) return refusalPage(match.refused);
    if (match.policy?.refusal) return refusalPage(match.policy.refusal);
    if (!match.covered && (defaultPolicy === 'deny' || req.policyName !== undefined))
      return htmlPage(403, 'Forbidden', 'No access policy covers this request.', 'no-policy');
    const policy = match.policy ?? ANY_SIGNED_IN;
    return { req, policy, isPublic: match.public, at: now(), session: undefined };
  };
}
