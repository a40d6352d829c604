import type { Logger, Registry } from '@horizon/shared';
import type { AppPasswords } from '../app-passwords/app-passwords.ts';
import type { AuthConfig } from '../config.ts';
import type { IdentitySigner } from '../identity-jwt.ts';
import { createLogLimiter, type LogLimiter } from '../log-limit.ts';
import type { FlowDeps } from '../login/flow.ts';
import type { BearerVerifier } from '../oidc/bearer.ts';
import type { PolicyTable } from '../policy/table.ts';
import type { AppCredentials } from '../reply/app-credentials.ts';
import { outagePage } from '../reply/outages.ts';
import { htmlPage, type Reply } from '../reply/reply.ts';
import { identityHeaders } from '../request/identity-headers.ts';
import { type CheckRequest, type RawCheck, readOptionsOf } from '../request/read.ts';
import type { IdpTokens } from '../session/types.ts';
import { createAppPasswordStep } from './app-password.ts';
import { createAppPasswordsPageStep } from './app-passwords-page.ts';
import { forAuthRequest } from './auth-request.ts';
import { createBearerStep } from './bearer.ts';
import { createCallbackStep } from './callback.ts';
import { createChain, type Outcome } from './chain.ts';
import { createGrants } from './granted.ts';
import { createLoginStep } from './login.ts';
import type { MaybePromise } from './maybe.ts';
import { createMissingHeadersStep } from './missing-headers.ts';
import { createNetworkStep } from './network.ts';
import { createPolicyStep } from './policy.ts';
import { createPublicStep } from './public.ts';
import { createReadableStep } from './readable.ts';
import { createCheckRecorder } from './record.ts';
import { createSessionStep } from './session.ts';
import { createSignOutStep } from './sign-out.ts';
import { createSignedInStep } from './signed-in.ts';

export interface CheckDeps extends FlowDeps {
  config: AuthConfig;
  policies: PolicyTable;
  bearer: BearerVerifier | undefined;
  signer: IdentitySigner | undefined;
  /** The apps' own credentials (appCredentials), kept current. */
  credentials: AppCredentials;
  /** The users' IdP tokens, with a server-side store. */
  tokens: IdpTokens | undefined;
  /** App passwords, with a server-side store. */
  appPasswords: AppPasswords | undefined;
  /** Where each step's metrics are registered (beside the step that counts them). */
  registry: Registry;
  logger: Logger;
  /** Client-caused log lines, limited per cause. Default: a limiter of its own. */
  logs?: LogLimiter;
  /** Told every answer after it is made (the status page's list of refusals); never changes it. */
  onDecision?: DecisionObserver;
}

/** Sees a check's answer, its policy ('' for none), and the request as read when it could be. */
export type DecisionObserver = (
  reply: Reply,
  policy: string,
  raw: RawCheck,
  request: CheckRequest | undefined,
) => void;

/** Answers checks; the HTTP layer only turns a request into a RawCheck and a Reply into a response. */
export type Check = (raw: RawCheck) => MaybePromise<Reply>;

/**
 * The check: its steps made once from the deps, in the order chain.ts gives them. Around the
 * chain, what every check gets: its duration and decision counted, an error turned into a page
 * (an outage says so; anything else is a 403, never a 5xx, which Envoy would swallow), and the
 * answer to nginx's auth_request sub-request cut down to what it passes.
 */
export function createCheck(deps: CheckDeps): Check {
  const { config, logger, now } = deps;
  const log = logger.child({ component: 'check' });
  const logs = deps.logs ?? createLogLimiter();
  const identity = identityHeaders(config.headers);
  const grants = createGrants({
    identity,
    cookies: deps.cookies,
    signer: deps.signer,
    now,
    credentials: deps.credentials,
    tokens: deps.tokens,
  });
  const reading = readOptionsOf(config, identity);
  const login = createLoginStep(deps);
  const chain = createChain({
    readable: createReadableStep({ reading, logs, log }),
    policy: createPolicyStep({ policies: deps.policies, defaultPolicy: config.defaultPolicy, now }),
    session: createSessionStep(deps),
    callback: createCallbackStep({ ...deps, logs, log }),
    signOut: createSignOutStep(deps),
    appPasswordsPage: createAppPasswordsPageStep({ ...deps, passwords: deps.appPasswords, login }),
    public: createPublicStep(grants),
    signedIn: createSignedInStep({ ...deps, grants }),
    appPassword: createAppPasswordStep({
      verifier: deps.appPasswords?.verifier,
      grants,
      registry: deps.registry,
      logs,
      log,
    }),
    bearer: createBearerStep(deps.bearer, grants),
    network: createNetworkStep(grants),
    missingHeaders: createMissingHeadersStep({ registry: deps.registry, logs, log }),
    login,
  });
  const count = createCheckRecorder(deps.registry);
  const observe = deps.onDecision;
  const record = (reply: Reply, policy: string, started: number, raw: RawCheck, request?: CheckRequest) => {
    count(reply, policy, started);
    observe?.(reply, policy, raw, request);
    return reply;
  };

  const failed = (err: unknown): Reply => {
    const outage = outagePage(err);
    if (outage) logs.warn(log, outage.reason, { err }, 'check refused: a dependency is unavailable');
    else logs.error(log, 'check-failed', { err }, 'check failed');
    return outage ?? htmlPage(403, 'Forbidden', 'The request could not be checked.', 'error');
  };

  return (raw) => {
    const started = performance.now();
    let out: Outcome;
    try {
      out = chain(raw);
    } catch (err) {
      return record(failed(err), '', started, raw);
    }
    const { reply, policy, authRequest, request } = out;
    if (!(reply instanceof Promise))
      return record(forAuthRequest(reply, authRequest), policy, started, raw, request);
    return reply.then(
      (r) => record(forAuthRequest(r, authRequest), policy, started, raw, request),
      (err: unknown) => record(forAuthRequest(failed(err), authRequest), '', started, raw, request),
    );
  };
}
