import { hasCode, type Logger } from '@horizon/shared';
import type { AuthConfig } from '../config.ts';
import type { IdentitySigner } from '../identity-jwt.ts';
import { type AuthMetrics, createCheckRecorder } from '../metrics.ts';
import type { BearerVerifier } from '../oidc/bearer.ts';
import type { FlowDeps } from '../oidc/flow.ts';
import type { PolicyTable } from '../policy/index.ts';
import { authorize, compilePolicy, isPublic, type Policy } from '../policy/policies.ts';
import type { Session } from '../session/types.ts';
import { createLogin, unavailable } from './login.ts';
import { andThen, type MaybePromise } from './maybe.ts';
import { createAllow, htmlPage, identityHeaderNames, type Reply, redirect, unauthorized } from './reply.ts';
import { type CheckRequest, originOf, type RawCheck, readCheck, trustedProxyList } from './request.ts';
import { signOut } from './sign-out.ts';

export interface CheckDeps extends FlowDeps {
  config: AuthConfig;
  policies: PolicyTable;
  bearer: BearerVerifier | undefined;
  signer: IdentitySigner | undefined;
  metrics: AuthMetrics;
  logger: Logger;
}

/** Answers checks; the HTTP layer only turns a request into a RawCheck and a Reply into a response. */
export type Check = (raw: RawCheck) => MaybePromise<Reply>;

/** A reply (now or later) and the policy it was decided under, for the metrics. */
interface Decision {
  reply: MaybePromise<Reply>;
  policy: string;
}

const DEFAULT_POLICY = 'default';

export function createCheck(deps: CheckDeps): Check {
  const { config, policies, metrics, logger, now } = deps;
  const log = logger.child({ component: 'check' });
  const trusted = trustedProxyList(config.trustedProxies);
  const allow = createAllow(identityHeaderNames(config.headers));
  const anyUser = compilePolicy(
    {
      name: DEFAULT_POLICY,
      hosts: [],
      pathPrefix: '/',
      groups: [],
      users: [],
      emails: [],
      publicPaths: [],
      publicMethods: [],
    },
    'config',
  );
  const warned = new Set<string>();
  const record = createCheckRecorder(metrics);
  const warnOnce = (key: string, fields: object, message: string) => {
    if (warned.has(key)) return;
    warned.add(key);
    log.warn(fields, message);
  };

  const granted = (req: CheckRequest, session: Session, reason: string): MaybePromise<Reply> => {
    const fillEmpty = req.via === 'forward-auth';
    if (!deps.signer) return allow(session, undefined, reason, fillEmpty);
    return deps.signer
      .sign(session, req.hostname, now())
      .then((jwt) => allow(session, jwt, reason, fillEmpty));
  };

  const { login, callback } = createLogin(deps, log);

  const readSession = (req: CheckRequest, at: number): MaybePromise<Session | undefined> => {
    const value = req.cookies[deps.cookies.sessionName];
    return value ? deps.store.read(value, at) : undefined;
  };

  const decide = (req: CheckRequest): Decision => {
    const match = policies.match(req.hostname, req.path);
    const path = match.path;
    if (path === undefined)
      return { reply: htmlPage(400, 'Bad request', 'The path cannot be read.', 'bad-path'), policy: '' };
    const covered = match.policy !== undefined || policies.hostAllowed(req.hostname);
    if (!covered && config.defaultPolicy === 'deny') {
      return {
        reply: htmlPage(403, 'Forbidden', 'No access policy covers this host.', 'no-policy'),
        policy: '',
      };
    }
    const policy = match.policy ?? anyUser;
    if (path === config.oidc.callbackPath) return { reply: callback(req), policy: policy.name };
    const at = now();
    return {
      reply: andThen(readSession(req, at), (session) => withSession(req, policy, path, session, at)),
      policy: policy.name,
    };
  };

  const withSession = (
    req: CheckRequest,
    policy: Policy,
    path: string,
    session: Session | undefined,
    at: number,
  ): MaybePromise<Reply> => {
    if (path === config.oidc.signOutPath) return signOut(deps, req, session);
    if (isPublic(policy, req.method, path)) {
      return session
        ? granted(req, session, 'public')
        : allow(undefined, undefined, 'public', req.via === 'forward-auth');
    }
    if (session) {
      if (!authorize(policy, session))
        return htmlPage(
          403,
          'Forbidden',
          `You are signed in as ${session.user}, who may not use this app.`,
          'forbidden',
        );
      const renewed =
        !req.authRequest &&
        req.navigation &&
        req.method === 'GET' &&
        at - session.renewedAt >= config.cookie.renewSeconds
          ? deps.store.renew(session, at)
          : undefined;
      if (renewed) return redirect(`${originOf(req)}${req.path}`, [deps.cookies.session(renewed)], 'renew');
      return granted(req, session, 'session');
    }
    if (deps.bearer && req.authorization?.toLowerCase().startsWith('bearer ')) return viaBearer(req, policy);
    // Without the forwarded headers a browser can never log in; a client sending credentials
    // is an API client, which gets its 401 either way.
    if (req.bare && req.authorization === undefined) {
      metrics.misconfigured.inc();
      warnOnce(
        'bare',
        { host: req.hostname },
        'check without cookie/accept/x-forwarded-proto/x-request-id: add them to the SecurityPolicy extAuth headersToExtAuth',
      );
      return htmlPage(
        403,
        'Gateway misconfigured',
        'The gateway did not forward the headers sign-in needs (headersToExtAuth).',
        'missing-headers',
      );
    }
    return login(req, path);
  };

  const viaBearer = async (req: CheckRequest, policy: Policy): Promise<Reply> => {
    const token = (req.authorization as string).slice(7).trim();
    try {
      const id = await (deps.bearer as BearerVerifier).verify(token, now());
      if (!authorize(policy, id))
        return { ...unauthorized(req.hostname, 'forbidden', 'insufficient_scope'), status: 403 };
      return allow(id, undefined, 'bearer', req.via === 'forward-auth');
    } catch (err) {
      if (hasCode(err, 'E_PROVIDER_UNAVAILABLE')) return unavailable();
      return unauthorized(req.hostname, 'bad-token', 'invalid_token');
    }
  };

  const failed = (err: unknown): Reply => {
    log.error({ err }, 'check failed');
    return hasCode(err, 'E_SESSION_STORE') || hasCode(err, 'E_PROVIDER_UNAVAILABLE')
      ? unavailable()
      : htmlPage(403, 'Forbidden', 'The request could not be checked.', 'error');
  };

  const answer = (raw: RawCheck): Decision => {
    const req = readCheck(raw, config, trusted);
    if (req === 'untrusted') {
      warnOnce(
        `untrusted:${raw.peer}`,
        { peer: raw.peer },
        'X-Forwarded-Uri/-Method from an address not in trustedProxies',
      );
      return {
        reply: htmlPage(403, 'Forbidden', 'Forwarded headers from an untrusted address.', 'untrusted-proxy'),
        policy: '',
      };
    }
    if (req.hostname === '')
      return { reply: htmlPage(400, 'Bad request', 'No host.', 'no-host'), policy: '' };
    return decide(req);
  };

  return (raw) => {
    const started = performance.now();
    let out: Decision;
    try {
      out = answer(raw);
    } catch (err) {
      return record(failed(err), '', started);
    }
    const { reply, policy } = out;
    if (!(reply instanceof Promise)) return record(reply, policy, started);
    return reply.then(
      (r) => record(r, policy, started),
      (err: unknown) => record(failed(err), '', started),
    );
  };
}
