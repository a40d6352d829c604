import { createMetricsRegistry } from '@horizon/shared';
import { describe, expect, it } from 'vitest';
import { createCheckRecorder } from '../../src/check/record.ts';

describe('the count of answered checks', () => {
  it('counts each answer by decision (from its status), reason and policy, and its duration', async () => {
    const registry = createMetricsRegistry('authproxy');
    const record = createCheckRecorder(registry);
    const answer = (status: number, reason: string) => ({ status, reason });
    const started = performance.now();
    const allow = answer(200, 'session');
    expect(record(allow, 'pdf', started)).toBe(allow);
    record(answer(302, 'login'), 'pdf', started);
    record(answer(424, 'store-unavailable'), '', started);
    record(answer(200, 'session'), 'pdf', started);
    const text = await registry.metrics();
    const counts = [...text.matchAll(/^horizon_authproxy_checks_total\{([^}]*)\} (\d+)$/gm)].map(
      (m) => `${m[1]?.replace(/,?service="authproxy"/, '')} ${m[2]}`,
    );
    expect(counts).toEqual([
      'decision="allow",reason="session",policy="pdf" 2',
      'decision="redirect",reason="login",policy="pdf" 1',
      'decision="deny",reason="store-unavailable",policy="" 1',
    ]);
    expect(text).toMatch(/^horizon_authproxy_check_duration_seconds_count\{[^}]*\} 4$/m);
  });
});
