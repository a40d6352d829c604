import { cidrMatcher, type Logger } from '@horizon/shared';
import type { AuthConfig } from '../config.ts';
import type { IdentitySigner } from '../identity-jwt.ts';
import { createLogLimiter, type LogLimiter } from '../log-limit.ts';
import type { FlowDeps } from '../login/flow.ts';
import { type AuthMetrics, createCheckRecorder } from '../metrics.ts';
import type { BearerVerifier } from '../oidc/bearer.ts';
import type { PolicyTable } from '../policy/table.ts';
import { ANY_SIGNED_IN, authorize, type Policy } from '../policy/policies.ts';
import { outagePage } from '../reply/outages.ts';
import { refusalPage } from '../reply/refusals.ts';
import { htmlPage, type Reply, redirect, unauthorized } from '../reply/reply.ts';
import { identityHeaders } from '../request/identity-headers.ts';
import { type CheckRequest, originOf, type RawCheck, readCheck } from '../request/read.ts';
import type { Session } from '../session/types.ts';
import { createGrants } from './granted.ts';
import { createLogin } from './login.ts';
import { andThen, type MaybePromise } from './maybe.ts';
import { signOut, signOutForm } from './sign-out.ts';

export interface CheckDeps extends FlowDeps {
  config: AuthConfig;
  policies: PolicyTable;
  bearer: BearerVerifier | undefined;
  signer: IdentitySigner | undefined;
  metrics: AuthMetrics;
  logger: Logger;
  /** Client-caused log lines, limited per cause. Default: a limiter of its own. */
  logs?: LogLimiter;
}

/** Answers checks; the HTTP layer only turns a request into a RawCheck and a Reply into a response. */
export type Check = (raw: RawCheck) => MaybePromise<Reply>;

/** A reply (now or later) and the policy it was decided under, for the metrics. */
interface Decision {
  reply: MaybePromise<Reply>;
  policy: string;
  /** From nginx's auth_request sub-request: see AUTH_REQUEST_DENIAL. */
  authRequest: boolean;
}

/** nginx's auth_request passes only 2xx, 401 and 403: any other answer there is a bare 401, and the
 * recipe's `error_page` replays the request as a plain check, which answers for real. */
const AUTH_REQUEST_DENIAL: Reply = Object.freeze({
  status: 401,
  headers: {},
  body: '',
  reason: 'auth-request',
});

export function createCheck(deps: CheckDeps): Check {
  const { config, policies, metrics, logger, now } = deps;
  const log = logger.child({ component: 'check' });
  const logs = deps.logs ?? createLogLimiter();
  const identity = identityHeaders(config.headers);
  const reading = {
    scheme: config.scheme,
    policyPathPrefix: config.policyPathPrefix,
    trusted: cidrMatcher(config.trustedProxies, 'trustedProxies'),
    identity,
  };
  const { allowed, granted } = createGrants({ identity, cookies: deps.cookies, signer: deps.signer, now });
  const record = createCheckRecorder(metrics);
  const { login, callback } = createLogin({ ...deps, logs }, log);
  /** A session counts only where it was issued: its host, or the cookie domain it was shared on. */
  const domain = deps.cookies.domain;
  const bound = (s: Session, hostname: string): boolean =>
    domain ? hostname === domain || hostname.endsWith(`.${domain}`) : s.host === hostname;

  const readSession = (req: CheckRequest, at: number): MaybePromise<Session | undefined> => {
    const value = req.cookies[deps.cookies.sessionName];
    if (!value) return undefined;
    return andThen(deps.store.read(value, at), (s) => (s && bound(s, req.hostname) ? s : undefined));
  };

  const decide = (req: CheckRequest): Decision => {
    const match = policies.match(req.hostname, req.path, req.spellings, req.method, req.policyName);
    if ('refused' in match)
      return { reply: refusalPage(match.refused), policy: '', authRequest: req.authRequest };
    if (!match.covered && (config.defaultPolicy === 'deny' || req.policyName !== undefined)) {
      const page = htmlPage(403, 'Forbidden', 'No access policy covers this request.', 'no-policy');
      return { reply: page, policy: '', authRequest: req.authRequest };
    }
    const policy = match.policy ?? ANY_SIGNED_IN;
    const at = now();
    const session = readSession(req, at);
    if (req.path === config.oidc.callbackPath)
      return {
        reply: andThen(session, (s) => callback(req, s)),
        policy: policy.name,
        authRequest: req.authRequest,
      };
    const reply = andThen(session, (s) => withSession(req, policy, match.public, s, at));
    return { reply, policy: policy.name, authRequest: req.authRequest };
  };

  const withSession = (
    req: CheckRequest,
    policy: Policy,
    isPublic: boolean,
    session: Session | undefined,
    at: number,
  ): MaybePromise<Reply> => {
    if (req.path === config.oidc.signOutPath) return signOut(deps, req, session);
    if (isPublic) return granted(req, session, 'public');
    if (session) {
      if (!authorize(policy, session))
        return htmlPage(
          403,
          'Forbidden',
          `You are signed in as ${session.user}, who may not use this app.`,
          'forbidden',
          {},
          signOutForm(deps, session, 'Sign out, to sign in as someone else'),
        );
      const renewed =
        !req.authRequest &&
        req.navigation &&
        req.method === 'GET' &&
        at - session.renewedAt >= config.cookie.renewSeconds
          ? deps.store.renew(session, at)
          : undefined;
      if (renewed) return redirect(`${originOf(req)}${req.target}`, [deps.cookies.session(renewed)], 'renew');
      return granted(req, session, 'session');
    }
    if (deps.bearer && req.authorization?.toLowerCase().startsWith('bearer ')) return viaBearer(req, policy);
    // Without the forwarded headers a browser can never log in; a client sending credentials
    // is an API client, which gets its 401 either way.
    if (req.bare && req.authorization === undefined) {
      metrics.misconfigured.inc();
      logs.warn(
        log,
        'missing-headers',
        { host: req.hostname },
        'check without cookie/accept/x-forwarded-proto/x-request-id: add them to the SecurityPolicy extAuth headersToExtAuth',
      );
      return refusalPage('missing-headers');
    }
    // The sub-request of nginx's auth_request must start no login (its cookies would be lost).
    return req.authRequest ? AUTH_REQUEST_DENIAL : login(req);
  };

  const viaBearer = async (req: CheckRequest, policy: Policy): Promise<Reply> => {
    const token = (req.authorization as string).slice(7).trim();
    try {
      const id = await (deps.bearer as BearerVerifier).verify(token, now());
      if (!authorize(policy, id))
        return { ...unauthorized(req.hostname, 'forbidden', 'insufficient_scope'), status: 403 };
      return allowed(req, id, undefined, 'bearer');
    } catch (err) {
      return outagePage(err) ?? unauthorized(req.hostname, 'bad-token', 'invalid_token');
    }
  };

  const failed = (err: unknown): Reply => {
    const outage = outagePage(err);
    if (outage) logs.warn(log, outage.reason, { err }, 'check refused: a dependency is unavailable');
    else logs.error(log, 'check-failed', { err }, 'check failed');
    return outage ?? htmlPage(403, 'Forbidden', 'The request could not be checked.', 'error');
  };

  const answer = (raw: RawCheck): Decision => {
    const req = readCheck(raw, reading);
    if ('refused' in req) {
      logs.warn(log, req.refused, { peer: raw.peer, detail: req.detail }, `check refused: ${req.refused}`);
      return { reply: refusalPage(req.refused), policy: '', authRequest: req.authRequest };
    }
    return decide(req);
  };

  /** nginx's auth_request sub-request gets 200 or a bare 401, nothing else (see AUTH_REQUEST_DENIAL). */
  const finish = (reply: Reply, authRequest: boolean): Reply =>
    authRequest && reply.status !== 200 ? { ...AUTH_REQUEST_DENIAL, reason: reply.reason } : reply;

  return (raw) => {
    const started = performance.now();
    let out: Decision;
    try {
      out = answer(raw);
    } catch (err) {
      return record(failed(err), '', started);
    }
    const { reply, policy, authRequest } = out;
    if (!(reply instanceof Promise)) return record(finish(reply, authRequest), policy, started);
    return reply.then(
      (r) => record(finish(r, authRequest), policy, started),
      (err: unknown) => record(finish(failed(err), authRequest), '', started),
    );
  };
}
