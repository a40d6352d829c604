import type { Reply } from '../reply/reply.ts';
import type { CheckRequest, RawCheck } from '../request/read.ts';
import type { MaybePromise } from './maybe.ts';
import type { Unreadable } from './readable.ts';
import type { CheckContext, Next, Step } from './step.ts';

/**
 * A check, in the one order it has:
 *
 *   readable -> policy -> session -> callback -> sign-out -> app-passwords page -> public
 *            -> signed-in -> app-password -> bearer -> network -> missing-headers -> login
 *
 * readable reads the request once (or refuses it); policy finds the policy that judges it (or
 * refuses), making the context the rest read; session reads the cookie's session before the
 * callback, sign-out and the app-passwords page, which need it too (the service's own paths come
 * before any rule of the app's); public paths pass before anyone is asked who they are; a
 * signed-in user before a credential (a user the policy refuses is handed on); an app password
 * before a bearer token (both come in Authorization); anyone who names themselves before a client
 * network lets a request in without an identity; a check missing the login headers is told so
 * before login, which ends the chain (the refused user's page, a login for a page load, 401 for
 * the rest). A new rule is a step file, its field here and its place in `order`, and its
 * construction in check.ts.
 */
export interface CheckSteps {
  readable: (raw: RawCheck) => CheckRequest | Unreadable;
  policy: (req: CheckRequest) => CheckContext | Reply;
  session: Step;
  callback: Step;
  signOut: Step;
  appPasswordsPage: Step;
  public: Step;
  signedIn: Step;
  appPassword: Step;
  bearer: Step;
  network: Step;
  missingHeaders: Step;
  login: Next;
}

/** A check's answer (now or later), with what its metrics and nginx's auth_request need to know. */
export interface Outcome {
  reply: MaybePromise<Reply>;
  /** The policy's name; '' for a check refused before one was found. */
  policy: string;
  /** From nginx's auth_request sub-request (check/auth-request.ts). */
  authRequest: boolean;
  /** The request as read, when it could be read: what the status page's refusals list shows. */
  request?: CheckRequest;
}

/** Folds the steps into one function of a raw check, in the order above. */
export function createChain(steps: CheckSteps): (raw: RawCheck) => Outcome {
  const order: Step[] = [
    steps.session,
    steps.callback,
    steps.signOut,
    steps.appPasswordsPage,
    steps.public,
    steps.signedIn,
    steps.appPassword,
    steps.bearer,
    steps.network,
    steps.missingHeaders,
  ];
  const decide = order.reduceRight<Next>((next, step) => (c) => step(c, next), steps.login);
  return (raw) => {
    const req = steps.readable(raw);
    if ('reply' in req) return { reply: req.reply, policy: '', authRequest: req.authRequest };
    const c = steps.policy(req);
    if (!('req' in c)) return { reply: c, policy: '', authRequest: req.authRequest, request: req };
    return { reply: decide(c), policy: c.policy.name, authRequest: req.authRequest, request: req };
  };
}
