import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import * as client from 'openid-client';
import type { AuthConfig } from '../config.ts';
import { authError } from '../errors.ts';
import type { Provider } from '../oidc/provider.ts';
import { type CheckRequest, originOf, urlOf } from '../request/read.ts';
import type { Sealer } from '../session/seal.ts';
import type { Session, SessionStore } from '../session/types.ts';
import type { CookieWriter } from './cookies.ts';
import { flowSecrets, makeRoom, newSeed, openFlow, sealFlow } from './flow-cookies.ts';

export interface FlowDeps {
  config: Pick<AuthConfig, 'oidc' | 'flow'>;
  provider: Provider;
  sealer: Sealer;
  store: SessionStore;
  cookies: CookieWriter;
  now: () => number;
}

/** Flow cookies share this much of the Cookie header (the session and the app's cookies need the rest). */
const FLOW_BYTES = 4096;
/** Longer return paths go back to `/`: a flow cookie must stay small (see FLOW_BYTES). */
const MAX_RETURN = 1024;

/** Starts a login: authorization code with PKCE S256, state and nonce, bound to a flow cookie. */
export async function startLogin(
  deps: FlowDeps,
  req: CheckRequest,
): Promise<{ location: string; cookies: string[] }> {
  const config = await deps.provider.configuration();
  if (!(await deps.provider.reachable()))
    throw authError('E_PROVIDER_UNAVAILABLE', 'the provider does not answer');
  const { callbackPath, signOutPath, scopes } = deps.config.oidc;
  // Never return to the callback or sign-out themselves: that would loop.
  const loops = req.path.startsWith(callbackPath) || req.path.startsWith(signOutPath);
  const returnTo = loops || req.target.length > MAX_RETURN ? '/' : req.target;
  const seed = newSeed();
  const { state, nonce, verifier } = flowSecrets(seed);
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: `${originOf(req)}${callbackPath}`,
    scope: scopes.join(' '),
    state,
    nonce,
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  });
  const sealed = sealFlow(deps.sealer, req.host, { seed, returnTo, createdAt: deps.now() });
  const name = deps.cookies.flowName(state);
  const cookies = makeRoom(
    req.cookies,
    deps.cookies,
    (value) => openFlow(deps.sealer, req.host, value),
    name.length + sealed.length + 2,
    { maxParallel: deps.config.flow.maxParallel, maxBytes: FLOW_BYTES },
  );
  cookies.push(deps.cookies.flow(state, sealed));
  return { location: url.href, cookies };
}

/** The outcome of a callback: where to send the browser and the cookies to set. */
export interface CallbackResult {
  location: string;
  cookies: string[];
  session: Session;
}

/**
 * Finishes a login. The state must name a flow cookie this browser holds for this host (the
 * seal is bound to the host); the code is redeemed with its verifier and the ID token checked
 * in full (signature, iss, aud, azp, exp, iat, nonce; `iss` in the response per RFC 9207 when
 * the provider sends it). The ID token must have been issued after the flow began. A new
 * session id every time, bound to the host it was issued on.
 */
export async function finishLogin(deps: FlowDeps, req: CheckRequest): Promise<CallbackResult> {
  const url = urlOf(req);
  const state = url.searchParams.get('state') ?? '';
  const cookieName = deps.cookies.flowName(state);
  const sealed = state ? req.cookies[cookieName] : undefined;
  const flow = sealed ? openFlow(deps.sealer, req.host, sealed) : undefined;
  if (!flow) throw authError('E_CALLBACK_INVALID', 'no login in progress for this state');
  const secrets = flowSecrets(flow.seed);
  const now = deps.now();
  if (!sameText(secrets.state, state)) throw authError('E_CALLBACK_INVALID', 'state does not match the flow');
  if (now - flow.createdAt > deps.config.flow.ttlSeconds)
    throw authError('E_CALLBACK_INVALID', 'login took too long');
  const callbackUrl = new URL(`${originOf(req)}${deps.config.oidc.callbackPath}${url.search}`);
  const out = await deps.provider.redeem(callbackUrl, secrets);
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
    host: req.hostname,
    createdAt: now,
    renewedAt: now,
  };
  if (out.idToken) session.idToken = out.idToken;
  const value = await deps.store.create(session, { refreshToken: out.refreshToken, idToken: out.idToken });
  return {
    location: `${originOf(req)}${flow.returnTo}`,
    cookies: [deps.cookies.session(value), deps.cookies.clearFlow(cookieName)],
    session,
  };
}

const sameText = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/**
 * Key of a callback for the replay cache (Envoy may retry the same check). It includes the flow
 * cookie, so only the browser that started the login can get the answer again: a leaked
 * callback URL alone replays nothing.
 */
export function callbackKey(cookies: CookieWriter, req: CheckRequest): string | undefined {
  const state = urlOf(req).searchParams.get('state');
  const flowCookie = state ? req.cookies[cookies.flowName(state)] : undefined;
  if (!flowCookie) return undefined;
  return createHash('sha256').update(`${req.host}\n${req.target}\n${flowCookie}`).digest('base64url');
}
