import type { IdentitySigner } from '../identity-jwt.ts';
import type { CookieWriter } from '../login/cookies.ts';
import { createAllow } from '../reply/allow.ts';
import { appCookies, createCookieAnswers } from '../reply/app-cookies.ts';
import type { Reply } from '../reply/reply.ts';
import type { IdentityHeaders } from '../request/identity-headers.ts';
import type { CheckRequest } from '../request/read.ts';
import type { Identity, Session } from '../session/types.ts';
import type { MaybePromise } from './maybe.ts';

export interface GrantDeps {
  identity: IdentityHeaders;
  cookies: CookieWriter;
  signer: IdentitySigner | undefined;
  now: () => number;
}

/**
 * The allow answers of a check: the identity headers (and the identity JWT, when on), every
 * other identity header removed, and the app's Cookie header without Horizon's cookies.
 * `allowed` answers for any identity (a bearer token's too); `granted` for a session, signing
 * the identity JWT when it is on.
 */
export function createGrants(deps: GrantDeps) {
  const allow = createAllow(deps.identity);
  const withCookies = createCookieAnswers();

  const allowed = (req: CheckRequest, id: Identity | undefined, jwt: string | undefined, reason: string) => {
    const forwardAuth = req.via === 'forward-auth';
    const cookies = appCookies(req.cookieHeader, deps.cookies.sessionName, deps.cookies.flowPrefix);
    return withCookies(allow(id, jwt, reason, forwardAuth), forwardAuth, cookies);
  };

  const granted = (req: CheckRequest, session: Session | undefined, reason: string): MaybePromise<Reply> => {
    const signer = deps.signer;
    if (!session || !signer) return allowed(req, session, undefined, reason);
    return signer.sign(session, req.hostname, deps.now()).then((jwt) => allowed(req, session, jwt, reason));
  };

  return { allowed, granted };
}

/** The allow answers the steps give (public, signed-in, bearer). */
export type Grants = ReturnType<typeof createGrants>;
