import { hasCode, type Logger } from '@horizon/shared';
import { LRUCache } from 'lru-cache';
import type { AuthConfig } from '../config.ts';
import type { AuthMetrics } from '../metrics.ts';
import { callbackKey, type FlowDeps, finishLogin, startLogin } from '../oidc/flow.ts';
import { htmlPage, type Reply, redirect, unauthorized } from './reply.ts';
import { type CheckRequest, urlOf } from './request.ts';

/** Not a 5xx: Envoy turns a 5xx from the auth service into its own bare 403. 424 reaches the browser. */
export const unavailable = (): Reply =>
  htmlPage(
    424,
    'Sign-in is unavailable',
    'The sign-in service (503 Service Unavailable) cannot be reached right now. Existing sessions still work; try again in a minute.',
    'provider-unavailable',
    { 'retry-after': '30' },
  );

export interface LoginDeps extends FlowDeps {
  config: AuthConfig;
  metrics: AuthMetrics;
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

  const login = async (req: CheckRequest, path: string): Promise<Reply> => {
    // nginx auth_request passes only 2xx/401/403 and copies a 401's challenge to the client:
    // a bare 401 signals it to replay the request here as a plain check, which answers for real.
    if (req.authRequest) return { status: 401, headers: {}, body: '', reason: 'auth-request' };
    if (!req.navigation || (req.method !== 'GET' && req.method !== 'HEAD'))
      return unauthorized(req.hostname, 'unauthenticated');
    try {
      const { location, cookies } = await startLogin(deps, req, path);
      return redirect(location, cookies, 'login');
    } catch (err) {
      if (hasCode(err, 'E_PROVIDER_UNAVAILABLE')) return unavailable();
      throw err;
    }
  };

  const callback = async (req: CheckRequest): Promise<Reply> => {
    const key = callbackKey(deps.cookies, req);
    const run = async (): Promise<Reply> => {
      const error = urlOf(req).searchParams.get('error');
      if (error) {
        metrics.logins.inc({ result: 'refused' });
        return htmlPage(
          403,
          'Sign-in refused',
          `The identity provider answered: ${error.slice(0, 100)}.`,
          'callback-refused',
        );
      }
      try {
        const out = await finishLogin(deps, req);
        metrics.logins.inc({ result: 'ok' });
        log.info({ sub: out.session.sub, host: req.hostname }, 'login');
        return redirect(out.location, out.cookies, 'callback');
      } catch (err) {
        const code = hasCode(err, 'E_PROVIDER_UNAVAILABLE')
          ? 'E_PROVIDER_UNAVAILABLE'
          : ((err as { code?: string }).code ?? 'E_UNKNOWN');
        metrics.logins.inc({ result: code });
        log.warn({ err, host: req.hostname }, 'login failed');
        if (code === 'E_PROVIDER_UNAVAILABLE') return unavailable();
        return htmlPage(
          400,
          'Sign-in failed',
          'This sign-in link has expired, was already used, or was opened in another browser. Open the app again to sign in.',
          'callback-invalid',
        );
      }
    };
    if (!key) return run();
    const previous = replays.get(key);
    if (previous) {
      metrics.logins.inc({ result: 'replayed' });
      return previous;
    }
    const reply = run();
    replays.set(key, reply);
    return reply;
  };
  return { login, callback };
}
