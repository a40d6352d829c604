import type { Policy } from '../policy/policies.ts';
import type { Reply } from '../reply/reply.ts';
import type { CheckRequest } from '../request/read.ts';
import type { Session } from '../session/types.ts';
import type { MaybePromise } from './maybe.ts';

/**
 * What the steps of a check know once its policy is found (chain.ts). Never changed: a step that
 * learns something for the steps after it passes a new value, as the session step does with
 * `next({ ...c, session })`.
 */
export interface CheckContext {
  readonly req: CheckRequest;
  /** The policy that judges the request: configured, from a route, or ANY_SIGNED_IN on a host some policy names. */
  readonly policy: Policy;
  /** The policy serves this request without a session (a public path or method). */
  readonly isPublic: boolean;
  /** The check's clock, seconds since the epoch, read once: every step judges the same moment. */
  readonly at: number;
  /** The session the request's cookie names on this host: undefined before the session step, and without one. */
  readonly session: Session | undefined;
  /**
   * A session the policy does not let in (signed-in.ts): the steps after it still get their turn
   * (a client network may let the request in without an identity), and the chain's end shows
   * the user the page that says who they are signed in as.
   */
  readonly refused?: Session;
}

/** The rest of the chain. */
export type Next = (c: CheckContext) => MaybePromise<Reply>;

/**
 * One decision of a check: answer, or `return next(c)` for "not mine". A step that needs no I/O
 * answers without a promise, so a known session is answered in one synchronous pass.
 */
export type Step = (c: CheckContext, next: Next) => MaybePromise<Reply>;
