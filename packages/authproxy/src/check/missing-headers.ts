import type { Logger } from '@horizon/shared';
import type { LogLimiter } from '../log-limit.ts';
import type { AuthMetrics } from '../metrics.ts';
import { refusalPage } from '../reply/refusals.ts';
import type { Step } from './step.ts';

export interface MissingHeadersDeps {
  metrics: Pick<AuthMetrics, 'misconfigured'>;
  logs: LogLimiter;
  log: Logger;
}

/**
 * Did the gateway forward what a login needs? A check carrying none of Cookie, Accept,
 * X-Request-Id and X-Forwarded-Proto/-For (request/read.ts: `bare`) comes from an Envoy Gateway
 * SecurityPolicy without `headersToExtAuth`: a browser could never sign in through it (every login would loop), so the
 * page names the fix, and the count shows it. A client sending credentials is an API client,
 * which gets its 401 either way.
 */
export function createMissingHeadersStep(deps: MissingHeadersDeps): Step {
  return (c, next) => {
    if (!c.req.bare || c.req.authorization !== undefined) return next(c);
    deps.metrics.misconfigured.inc();
    deps.logs.warn(
      deps.log,
      'missing-headers',
      { host: c.req.hostname },
      'check without cookie/accept/x-forwarded-proto/x-request-id: add them to the SecurityPolicy extAuth headersToExtAuth',
    );
    return refusalPage('missing-headers');
  };
}
