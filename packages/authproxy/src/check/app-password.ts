import type { Logger, Registry } from '@horizon/shared';
import { Counter } from 'prom-client';
import { presented } from '../app-passwords/token.ts';
import type { AppPasswordVerifier, Verified } from '../app-passwords/verifier.ts';
import type { LogLimiter } from '../log-limit.ts';
import { authorize, type Policy } from '../policy/policies.ts';
import { htmlPage, type Reply, unauthorized } from '../reply/reply.ts';
import type { Grantee, Grants } from './granted.ts';
import { andThen, type MaybePromise } from './maybe.ts';
import type { CheckContext, Step } from './step.ts';

export interface AppPasswordStepDeps {
  /** Undefined with the cookie store: app passwords need Redis. */
  verifier: AppPasswordVerifier | undefined;
  grants: Grants;
  registry: Registry;
  logs: LogLimiter;
  log: Logger;
}

/** Why an app password did not pass, for `horizon_authproxy_app_password_failures_total`. */
type Failure =
  | 'invalid'
  | 'disabled'
  | 'limited-client'
  | 'limited-user'
  | 'scope'
  | 'forbidden'
  | 'not-accepted';

/** Is the password made for this request: its host, or the policy that judges it? */
const inScope = (c: CheckContext, p: { scope: { host: string } | { policy: string } }): boolean =>
  'host' in p.scope ? p.scope.host === c.req.hostname : p.scope.policy === c.policy.name;

/**
 * Does the request carry an app password (HTTP Basic `user:password`, or `Bearer`) of someone the
 * policy lets in, made for this host or this policy? Only policies with `appPasswords` take one; a
 * wrong one is 401 (counted against the client and the user name: past the budgets, 429), one of a
 * user the provider refused is 401, one made for another host or policy 403. What passes never
 * reaches the app: the answer removes Authorization (reply/app-headers.ts). Anything else in
 * Authorization (an access token, an app's own Basic credentials) is left to the next steps.
 */
export function createAppPasswordStep(deps: AppPasswordStepDeps): Step {
  const failures = new Counter({
    name: 'horizon_authproxy_app_password_failures_total',
    help: 'App passwords that did not pass, by reason (invalid, disabled, limited-client, limited-user, scope, forbidden, not-accepted).',
    labelNames: ['reason'],
    registers: [deps.registry],
  });
  const fail = (c: CheckContext, reason: Failure, reply: Reply): Reply => {
    failures.inc({ reason });
    if (reason !== 'not-accepted')
      deps.logs.warn(
        deps.log,
        `app-password-${reason}`,
        { host: c.req.hostname, client: c.req.client },
        `app password refused: ${reason}`,
      );
    return reply;
  };
  const invalid = (c: CheckContext, reason: Failure) =>
    fail(
      c,
      reason,
      unauthorized(c.req.hostname, `app-password-${reason}`, 'invalid_token', c.policy.appPasswords),
    );

  // The grantee of a verified password, one object per verification: the allow answer is built
  // once per grantee (reply/allow.ts keys its cache by identity) and reused while the verifier
  // answers the same password from memory, as a session's is.
  const grantees = new WeakMap<object, Grantee>();
  const granteeOf = (v: { password: { id: string }; identity: Grantee | Omit<Grantee, 'sid'> }) => {
    let who = grantees.get(v);
    if (!who) {
      who = { ...v.identity, sid: `app-password:${v.password.id}` };
      grantees.set(v, who);
    }
    return who;
  };

  const answer = (c: CheckContext, verified: Verified, policy: Policy): MaybePromise<Reply> => {
    if ('refused' in verified) {
      if (verified.refused !== 'limited') return invalid(c, verified.refused);
      const { by, retryAfter } = verified.spent;
      const text = `Too many wrong app passwords from this ${by === 'client' ? 'address' : 'user name'}. Try again in ${retryAfter} s.`;
      return fail(
        c,
        `limited-${by}`,
        htmlPage(429, 'Too many attempts', text, `app-password-limited-${by}`, {
          'retry-after': String(retryAfter),
        }),
      );
    }
    if (!inScope(c, verified.password))
      return fail(
        c,
        'scope',
        htmlPage(403, 'Forbidden', 'This app password is for another app.', 'app-password-scope'),
      );
    if (!authorize(policy, verified.identity))
      return fail(
        c,
        'forbidden',
        htmlPage(403, 'Forbidden', `${verified.identity.user} may not use this app.`, 'forbidden'),
      );
    return deps.grants.granted(c, granteeOf(verified), 'app-password');
  };

  return (c, next) => {
    const header = c.req.authorization;
    const given = presented(header);
    if (!given || header === undefined) return next(c);
    const verifier = deps.verifier;
    if (!verifier || !c.policy.appPasswords) return invalid(c, 'not-accepted');
    return andThen(verifier.verify(header, given, c.req.client ?? 'unknown', c.at), (v) =>
      answer(c, v, c.policy),
    );
  };
}
