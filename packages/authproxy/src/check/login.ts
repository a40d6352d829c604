import { describeError, HorizonError, hasCode, type Logger } from '@horizon/shared';
import { LRUCache } from 'lru-cache';
import type { AuthConfig } from '../config.ts';
import type { LogLimiter } from '../log-limit.ts';
import { callbackKey, type FlowDeps, finishLogin, startLogin } from '../login/flow.ts';
import type { AuthMetrics } from '../metrics.ts';
import { callbackErrorPage, KNOWN_CALLBACK_ERRORS } from '../reply/callback-errors.ts';
import { outagePage, providerUnavailable } from '../reply/outages.ts';
import { htmlPage, type Reply, redirect, unauthorized } from '../reply/reply.ts';
import { type CheckRequest, originOf, urlOf } from '../request/read.ts';
import type { Session } from '../session/types.ts';

export interface LoginDeps extends FlowDeps {
  config: AuthConfig;
  metrics: AuthMetrics;
  logs: LogLimiter;
}

/**
 * The two checks of a login: one without a session (a redirect to the provider for a browser,
 * 401 for anyone else) and the callback. A callback check Envoy retries (its ext-auth timeout
 * passed while the code was being redeemed) gets the first answer again: a code redeems once.
 */
export function createLogin(deps: LoginDeps, log: Logger) {
  const { metrics } = deps;
  const replays = new LRUCache<string, Promise<Reply>>({
    max: 1000,
    ttl: Math.max(1, deps.config.flow.replaySeconds) * 1000,
  });

  const login = async (req: CheckRequest): Promise<Reply> => {
    if (!req.navigation || (req.method !== 'GET' && req.method !== 'HEAD'))
      return unauthorized(req.hostname, 'unauthenticated');
    try {
      const { location, cookies } = await startLogin(deps, req);
      return redirect(location, cookies, 'login');
    } catch (err) {
      if (hasCode(err, 'E_PROVIDER_UNAVAILABLE')) return providerUnavailable();
      throw err;
    }
  };

  const finish = async (req: CheckRequest, session: Session | undefined): Promise<Reply> => {
    const url = urlOf(req);
    const error = url.searchParams.get('error');
    if (error !== null) {
      metrics.logins.inc({ result: KNOWN_CALLBACK_ERRORS.has(error) ? `refused:${error}` : 'refused:other' });
      const state = url.searchParams.get('state') ?? '';
      const name = deps.cookies.flowName(state);
      const page = callbackErrorPage(error);
      return state && req.cookies[name]
        ? { ...page, headers: { ...page.headers, 'set-cookie': [deps.cookies.clearFlow(name)] } }
        : page;
    }
    try {
      const out = await finishLogin(deps, req);
      metrics.logins.inc({ result: 'ok' });
      log.info({ sub: out.session.sub, host: req.hostname }, 'login');
      return redirect(out.location, out.cookies, 'callback');
    } catch (err) {
      const code = (err as { code?: string }).code ?? 'E_UNKNOWN';
      metrics.logins.inc({ result: code });
      const outage = outagePage(err);
      if (outage) return outage;
      // A tab whose flow another tab's login replaced (or a callback opened twice) finds the
      // browser signed in already: its page is lost, the app's root is not.
      if (session) return redirect(`${originOf(req)}/`, [], 'callback-signed-in');
      // A bad or stale callback is the client's doing: one line with its code. Anything else
      // (no code: a bug) keeps its stack.
      const detail = err instanceof HorizonError ? { code, err: describeError(err) } : { err };
      deps.logs.warn(log, 'login-failed', { ...detail, host: req.hostname }, 'login failed');
      return htmlPage(
        400,
        'Sign-in failed',
        'This sign-in link has expired, was already used, was replaced by a newer sign-in, or was opened in another browser. Open the app again to sign in.',
        'callback-invalid',
      );
    }
  };

  const callback = (req: CheckRequest, session: Session | undefined): Promise<Reply> => {
    const key = callbackKey(deps.cookies, req);
    if (!key) return finish(req, session);
    const previous = replays.get(key);
    if (previous) {
      metrics.logins.inc({ result: 'replayed' });
      return previous;
    }
    const reply = finish(req, session);
    replays.set(key, reply);
    return reply;
  };
  return { login, callback };
}
