import type { Logger, Registry } from '@horizon/shared';
import { Counter } from 'prom-client';
import type { LogLimiter } from '../log-limit.ts';
import { refusalPage } from '../reply/refusals.ts';
import type { Step } from './step.ts';

export interface MissingHeadersDeps {
  registry: Registry;
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
  const misconfigured = new Counter({
    name: 'horizon_authproxy_checks_without_headers_total',
    help: 'Checks that arrived without the headers a login needs (add them to headersToExtAuth).',
    registers: [deps.registry],
  });
  return (c, next) => {
    if (!c.req.bare || c.req.authorization !== undefined) return next(c);
    misconfigured.inc();
    deps.logs.warn(
      deps.log,
      'missing-headers',
      { host: c.req.hostname },
      'check without cookie/accept/x-forwarded-proto/x-request-id: add them to the SecurityPolicy extAuth headersToExtAuth',
    );
    return refusalPage('missing-headers');
  };
}
