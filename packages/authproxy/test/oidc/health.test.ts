import { createMetricsRegistry, manualClock } from '@horizon/shared';
import { describe, expect, it } from 'vitest';
import { createProviderHealth } from '../../src/oidc/health.ts';

const gauge = async (registry: ReturnType<typeof createMetricsRegistry>) =>
  (await registry.getSingleMetric('horizon_authproxy_provider_up')?.get())?.values[0]?.value;

describe('provider health', () => {
  it('probes on its clock, exports 1 or 0, takes answers seen elsewhere, and stops', async () => {
    const clock = manualClock();
    const registry = createMetricsRegistry('authproxy');
    let up = true;
    let probes = 0;
    const health = createProviderHealth({
      reachable: async () => {
        probes += 1;
        return up;
      },
      clock,
      registry,
      intervalMs: 30_000,
    });
    await new Promise((r) => setImmediate(r));
    expect(probes).toBe(1);
    expect(await gauge(registry)).toBe(1);
    up = false;
    clock.advance(30_000);
    await new Promise((r) => setImmediate(r));
    expect(probes).toBe(2);
    expect(await gauge(registry)).toBe(0);
    health.note(true); // a login's own check saw it answer
    expect(health.last()).toEqual({ up: true, at: clock.now() });
    expect(await gauge(registry)).toBe(1);
    health.close();
    clock.advance(60_000);
    await new Promise((r) => setImmediate(r));
    expect(probes).toBe(2);
    expect(clock.waiting()).toBe(0);
  });
});
