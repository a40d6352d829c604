import { createMetricsRegistry } from '@horizon/shared';
import { describe, expect, it } from 'vitest';
import { createMissingHeadersStep } from '../../src/check/missing-headers.ts';
import { createLogLimiter } from '../../src/log-limit.ts';
import { capture } from '../fixtures.ts';
import { checkRequest, context, NEXT, rest } from './fixtures.ts';

describe('the missing-headers step', () => {
  it('tells a gateway that forwarded none of the login headers how to fix it, and counts it', async () => {
    const registry = createMetricsRegistry('authproxy');
    const { logger, lines } = capture();
    const step = createMissingHeadersStep({ registry, logs: createLogLimiter(), log: logger });
    const out = step(context({ req: checkRequest({ bare: true }) }), rest());
    expect(out).toMatchObject({ status: 403, reason: 'missing-headers' });
    expect(lines.map((l) => [l.cause, l.host])).toEqual([['missing-headers', 'pdf.localhost']]);
    expect(await registry.metrics()).toMatch(/^horizon_authproxy_checks_without_headers_total\{[^}]*\} 1$/m);
  });

  it('passes on a check with the headers, and an API client (it gets its 401 either way)', () => {
    const step = createMissingHeadersStep({
      registry: createMetricsRegistry('authproxy'),
      logs: createLogLimiter(),
      log: capture().logger,
    });
    expect(step(context(), rest())).toBe(NEXT);
    expect(step(context({ req: checkRequest({ bare: true, authorization: 'Bearer x' }) }), rest())).toBe(
      NEXT,
    );
  });
});
