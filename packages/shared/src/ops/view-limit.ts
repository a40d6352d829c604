import type { OpsResponse, OpsRoute } from './server.ts';

/** Views of a status page made per second at most, and in one burst (a few tabs opened at once). */
export const VIEWS_PER_SECOND = 5;
export const VIEWS_BURST = 10;

/**
 * A status page made at most {@link VIEWS_PER_SECOND} times a second (a token bucket of
 * {@link VIEWS_BURST}); past it a view is refused at once, a 503 of one line. Making the page
 * reads every name served (10,000 at the index's bound, ~10 ms) on the thread that answers DNS and
 * checks: views without a bound, 200 at a time, took Horizon DNS from 5,000 answers/s to ~100
 * (README, "Limits"). Refusing costs what /healthz costs. Its own monotonic time, whatever clock
 * the service runs on, so a service on a test's manual clock still makes its page.
 */
export function limitViews(
  route: OpsRoute,
  o: { perSecond?: number; burst?: number; now?: () => number } = {},
): OpsRoute {
  const perSecond = o.perSecond ?? VIEWS_PER_SECOND;
  const burst = o.burst ?? VIEWS_BURST;
  const now = o.now ?? (() => performance.now());
  let tokens = burst;
  let at = now();
  return (url): OpsResponse | Promise<OpsResponse> => {
    const t = now();
    tokens = Math.min(burst, tokens + ((t - at) / 1000) * perSecond);
    at = t;
    if (tokens < 1)
      return { status: 503, text: 'busy: this page is asked for too often, retry in a second\n' };
    tokens -= 1;
    return route(url);
  };
}
