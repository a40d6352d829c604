import { presented } from '../app-passwords/token.ts';
import type { IdentitySigner } from '../identity-jwt.ts';
import type { CookieWriter } from '../login/cookies.ts';
import { type Access, createAllow } from '../reply/allow.ts';
import { appCookies, createCookieAnswers } from '../reply/app-cookies.ts';
import type { AppCredentials } from '../reply/app-credentials.ts';
import { appHeadersOf, createAppHeaderAnswers } from '../reply/app-headers.ts';
import type { Reply } from '../reply/reply.ts';
import type { IdentityHeaders } from '../request/identity-headers.ts';
import type { Identity, IdpTokens } from '../session/types.ts';
import { andThen, type MaybePromise } from './maybe.ts';
import type { CheckContext } from './step.ts';

export interface GrantDeps {
  identity: IdentityHeaders;
  cookies: CookieWriter;
  signer: IdentitySigner | undefined;
  now: () => number;
  /** The apps' own credentials by folder (appCredentials). */
  credentials: AppCredentials;
  /** The users' IdP tokens (Redis store), for policies with `idpToken`. */
  tokens: IdpTokens | undefined;
}

/** Who an allow is for: a session, or an app password's owner (`sid` names it for the identity JWT). */
export type Grantee = Identity & { sid: string };

/**
 * The allow answers of a check: the identity headers (and the identity JWT, when on), how the
 * request passed, every other identity header removed, the app's Cookie header without Horizon's
 * cookies, and the app's own headers (reply/app-headers.ts: its credentials, the user's IdP token,
 * never an app password). `allowed` answers for any identity (a bearer token's too) or none;
 * `granted` for a session or an app password, signing the identity JWT and fetching the IdP
 * token when the policy wants them.
 */
export function createGrants(deps: GrantDeps) {
  const allow = createAllow(deps.identity);
  const withCookies = createCookieAnswers();
  const withAppHeaders = createAppHeaderAnswers();

  const allowed = (
    c: CheckContext,
    id: Identity | undefined,
    reason: Access,
    extra: { jwt?: string; token?: string } = {},
  ): Reply => {
    const { req, policy } = c;
    const forwardAuth = req.via === 'forward-auth';
    const cookies = appCookies(req.cookieHeader, deps.cookies.sessionName, deps.cookies.flowPrefix);
    const reply = withCookies(allow(id, extra.jwt, reason, forwardAuth), forwardAuth, cookies);
    const credentials = policy.appCredentials ? deps.credentials.of(policy.appCredentials) : undefined;
    const headers = appHeadersOf({
      forwardAuth,
      publicPath: reason === 'public',
      // An app password the client sent along on a request that passed some other way (a session
      // beside it, a public path, the LAN) is Horizon's credential all the same: never the app's.
      appPassword: reason === 'app-password' || presented(req.authorization) !== undefined,
      authorization: req.authorization,
      credentials,
      idp: policy.idpToken === 'none' ? undefined : { header: policy.idpTokenHeader, token: extra.token },
    });
    return withAppHeaders(reply, headers, forwardAuth, credentials);
  };

  /** The user's IdP token for the policy, when it wants one (undefined without a user). */
  const tokenFor = (c: CheckContext, who: Grantee | undefined): MaybePromise<string | undefined> => {
    const kind = c.policy.idpToken;
    if (kind === 'none' || !who || !deps.tokens) return undefined;
    return deps.tokens.token(who.sub, kind, c.at);
  };

  const granted = (c: CheckContext, who: Grantee | undefined, reason: Access): MaybePromise<Reply> => {
    const signer = deps.signer;
    const jwt = who && signer ? signer.sign(who, c.req.hostname, deps.now()) : undefined;
    if (jwt === undefined && c.policy.idpToken === 'none') return allowed(c, who, reason);
    return andThen(jwt, (signed) =>
      andThen(tokenFor(c, who), (token) => allowed(c, who, reason, { jwt: signed, token })),
    );
  };

  return { allowed, granted };
}

/** The allow answers the steps give (public, signed-in, app password, bearer, network). */
export type Grants = ReturnType<typeof createGrants>;
