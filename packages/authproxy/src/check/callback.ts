import { describeError, HorizonError, type Logger, type Registry } from '@horizon/shared';
import { LRUCache } from 'lru-cache';
import { Counter } from 'prom-client';
import type { LogLimiter } from '../log-limit.ts';
import { callbackKey, type FlowDeps, finishLogin } from '../login/flow.ts';
import { callbackErrorPage, KNOWN_CALLBACK_ERRORS } from '../reply/callback-errors.ts';
import { outagePage } from '../reply/outages.ts';
import { htmlPage, type Reply, redirect } from '../reply/reply.ts';
import { type CheckRequest, originOf, urlOf } from '../request/read.ts';
import type { Session } from '../session/types.ts';
import type { Step } from './step.ts';

export interface CallbackDeps extends FlowDeps {
  registry: Registry;
  logs: LogLimiter;
  log: Logger;
}

/** Callbacks remembered for a retry, at most (the oldest go first). */
const MAX_REPLAYS = 1000;

/**
 * The callback path: a login coming back from the provider is finished (login/flow.ts), and the
 * browser sent where it started with its session cookie. A callback check Envoy retries (its
 * ext-auth timeout passed while the code was being redeemed) gets the first answer again for
 * `flow.replaySeconds`: a code redeems once.
 */
export function createCallbackStep(deps: CallbackDeps): Step {
  const logins = new Counter({
    name: 'horizon_authproxy_logins_total',
    help: 'Logins finished at the callback, by result (ok, replayed, or an error code).',
    labelNames: ['result'],
    registers: [deps.registry],
  });
  const replays = new LRUCache<string, Promise<Reply>>({
    max: MAX_REPLAYS,
    ttl: Math.max(1, deps.config.flow.replaySeconds) * 1000,
  });

  /** The provider sent the browser back with `error=`: a fixed page per code, the flow cookie cleared. */
  const refused = (req: CheckRequest, error: string, url: URL): Reply => {
    logins.inc({ result: KNOWN_CALLBACK_ERRORS.has(error) ? `refused:${error}` : 'refused:other' });
    const state = url.searchParams.get('state') ?? '';
    const name = deps.cookies.flowName(state);
    const page = callbackErrorPage(error);
    return state && req.cookies[name]
      ? { ...page, headers: { ...page.headers, 'set-cookie': [deps.cookies.clearFlow(name)] } }
      : page;
  };

  const failed = (req: CheckRequest, session: Session | undefined, err: unknown): Reply => {
    const code = (err as { code?: string }).code ?? 'E_UNKNOWN';
    logins.inc({ result: code });
    const outage = outagePage(err);
    if (outage) return outage;
    // A tab whose flow another tab's login replaced (or a callback opened twice) finds the
    // browser signed in already: its page is lost, the app's root is not.
    if (session) return redirect(`${originOf(req)}/`, [], 'callback-signed-in');
    // A bad or stale callback is the client's doing: one line with its code. Anything else
    // (no code: a bug) keeps its stack.
    const detail = err instanceof HorizonError ? { code, err: describeError(err) } : { err };
    deps.logs.warn(deps.log, 'login-failed', { ...detail, host: req.hostname }, 'login failed');
    return htmlPage(
      400,
      'Sign-in failed',
      'This sign-in link has expired, was already used, was replaced by a newer sign-in, or was opened in another browser. Open the app again to sign in.',
      'callback-invalid',
    );
  };

  const finish = async (req: CheckRequest, session: Session | undefined): Promise<Reply> => {
    const url = urlOf(req);
    const error = url.searchParams.get('error');
    if (error !== null) return refused(req, error, url);
    try {
      const out = await finishLogin(deps, req);
      logins.inc({ result: 'ok' });
      deps.log.info({ sub: out.session.sub, host: req.hostname }, 'login');
      return redirect(out.location, out.cookies, 'callback');
    } catch (err) {
      return failed(req, session, err);
    }
  };

  const callback = (req: CheckRequest, session: Session | undefined): Promise<Reply> => {
    const key = callbackKey(deps.cookies, req);
    if (!key) return finish(req, session);
    const previous = replays.get(key);
    if (previous) {
      logins.inc({ result: 'replayed' });
      return previous;
    }
    const reply = finish(req, session);
    replays.set(key, reply);
    return reply;
  };

  return (c, next) => (c.req.path === deps.config.oidc.callbackPath ? callback(c.req, c.session) : next(c));
}
