import { createMetricsRegistry } from '@horizon/shared';
import { describe, expect, it } from 'vitest';
import { createBreaker, storeUpGauge } from '../../src/session/breaker.ts';

describe('the session store breaker', () => {
  it('opens the breaker after three failures, fails at once while open, tries once after, closes on success', async () => {
    let t = 0;
    const breaker = createBreaker({ failures: 3, openMs: 2000, now: () => t });
    let calls = 0;
    const fail = () =>
      breaker.run(async () => {
        calls += 1;
        throw new Error('down');
      });
    for (let i = 0; i < 3; i++) await expect(fail()).rejects.toThrow('down');
    expect(breaker.available()).toBe(false);
    await expect(fail()).rejects.toMatchObject({ code: 'E_SESSION_STORE' });
    expect(calls).toBe(3);
    t = 2000;
    expect(breaker.available()).toBe(true);
    await expect(fail()).rejects.toThrow('down'); // the one try: still down
    await expect(breaker.run(async () => 'up')).rejects.toMatchObject({ code: 'E_SESSION_STORE' });
    t = 4000;
    await expect(breaker.run(async () => 'up')).resolves.toBe('up');
    expect(breaker.available()).toBe(true);
  });

  it('shows on the store-up gauge, read when scraped', async () => {
    const registry = createMetricsRegistry('authproxy');
    let available = true;
    storeUpGauge(registry, () => available);
    expect(await registry.metrics()).toMatch(/^horizon_authproxy_session_store_up\{[^}]*\} 1$/m);
    available = false;
    expect(await registry.metrics()).toMatch(/^horizon_authproxy_session_store_up\{[^}]*\} 0$/m);
  });
});
