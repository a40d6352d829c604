import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import * as client from 'openid-client';
import type { CookieWriter } from '../check/cookies.ts';
import { type CheckRequest, originOf, urlOf } from '../check/request.ts';
import type { AuthConfig } from '../config.ts';
import { authError } from '../errors.ts';
import type { Sealer } from '../session/seal.ts';
import type { Session, SessionStore } from '../session/types.ts';
import type { Provider } from './provider.ts';

/** One login in progress, sealed into its own flow cookie. */
interface Flow {
  state: string;
  nonce: string;
  verifier: string;
  returnTo: string;
  host: string;
  createdAt: number;
}

export interface FlowDeps {
  config: Pick<AuthConfig, 'oidc' | 'flow'>;
  provider: Provider;
  sealer: Sealer;
  store: SessionStore;
  cookies: CookieWriter;
  now: () => number;
}

const FLOW = 'flow';
/** Abandoned tabs leave flow cookies for `flow.ttlSeconds`; past this many, start clean. */
const MAX_FLOWS = 8;

/** Starts a login: authorization code with PKCE S256, state and nonce, bound to a flow cookie. */
export async function startLogin(
  deps: FlowDeps,
  req: CheckRequest,
  path: string,
): Promise<{ location: string; cookies: string[] }> {
  const config = await deps.provider.configuration();
  if (!(await deps.provider.reachable()))
    throw authError('E_PROVIDER_UNAVAILABLE', 'the provider does not answer');
  const state = client.randomState();
  const nonce = client.randomNonce();
  const verifier = client.randomPKCECodeVerifier();
  const { callbackPath, signOutPath, scopes } = deps.config.oidc;
  // Never return to the callback or sign-out themselves: that would loop.
  const returnPath = path.startsWith(callbackPath) || path.startsWith(signOutPath) ? '/' : req.path;
  const flow: Flow = {
    state,
    nonce,
    verifier,
    returnTo: `${originOf(req)}${returnPath}`,
    host: req.host,
    createdAt: deps.now(),
  };
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: `${originOf(req)}${callbackPath}`,
    scope: scopes.join(' '),
    state,
    nonce,
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  });
  const stale = deps.cookies.flowNames(req.cookies);
  const cookies = stale.length >= MAX_FLOWS ? stale.map((n) => deps.cookies.clear(n)) : [];
  cookies.push(deps.cookies.flow(state, deps.sealer.seal(FLOW, flow)));
  return { location: url.href, cookies };
}

const sameText = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/** The outcome of a callback: where to send the browser and the cookies to set. */
export interface CallbackResult {
  location: string;
  cookies: string[];
  session: Session;
}

/**
 * Finishes a login. The state must name a flow cookie this browser holds for this host; the
 * code is redeemed with its verifier and the ID token checked in full (signature, iss, aud, azp,
 * exp, iat, nonce; `iss` in the response per RFC 9207 when the provider sends it). The ID token
 * must have been issued after the flow began. A new session id every time.
 */
export async function finishLogin(deps: FlowDeps, req: CheckRequest): Promise<CallbackResult> {
  const url = urlOf(req);
  const state = url.searchParams.get('state') ?? '';
  const cookieName = deps.cookies.flowName(state);
  const sealed = state ? req.cookies[cookieName] : undefined;
  if (!sealed) throw authError('E_CALLBACK_INVALID', 'no login in progress for this state');
  let flow: Flow;
  try {
    flow = deps.sealer.open(FLOW, sealed) as Flow;
  } catch (err) {
    throw authError('E_CALLBACK_INVALID', 'flow cookie does not open', err);
  }
  const now = deps.now();
  if (!sameText(flow.state, state) || flow.host !== req.host)
    throw authError('E_CALLBACK_INVALID', 'state does not match the flow');
  if (now - flow.createdAt > deps.config.flow.ttlSeconds)
    throw authError('E_CALLBACK_INVALID', 'login took too long');
  const callbackUrl = new URL(`${originOf(req)}${deps.config.oidc.callbackPath}${url.search}`);
  const out = await deps.provider.redeem(callbackUrl, {
    verifier: flow.verifier,
    state: flow.state,
    nonce: flow.nonce,
  });
  const skew = deps.config.oidc.clockSkewSeconds;
  if (!(out.issuedAt >= flow.createdAt - skew)) {
    throw authError('E_CALLBACK_INVALID', 'ID token issued before the login began');
  }
  // openid-client bounds exp but not a future iat; a token from the future is forged or its
  // clock is broken past the tolerated skew (found by the forgery corpus).
  if (!(out.issuedAt <= now + skew)) throw authError('E_CALLBACK_INVALID', 'ID token issued in the future');
  const session: Session = {
    sid: randomBytes(24).toString('base64url'),
    ...out.identity,
    createdAt: now,
    renewedAt: now,
  };
  if (out.idToken) session.idToken = out.idToken;
  const value = await deps.store.create(session, { refreshToken: out.refreshToken, idToken: out.idToken });
  return {
    location: flow.returnTo,
    cookies: [deps.cookies.session(value), deps.cookies.clear(cookieName)],
    session,
  };
}

/**
 * Key of a callback for the replay cache (Envoy may retry the same check). It includes the flow
 * cookie, so only the browser that started the login can get the answer again: a leaked
 * callback URL alone replays nothing.
 */
export function callbackKey(cookies: CookieWriter, req: CheckRequest): string | undefined {
  const state = urlOf(req).searchParams.get('state');
  const flowCookie = state ? req.cookies[cookies.flowName(state)] : undefined;
  if (!flowCookie) return undefined;
  return createHash('sha256').update(`${req.host}\n${req.path}\n${flowCookie}`).digest('base64url');
}
