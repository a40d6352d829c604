import { createMetricsRegistry, manualClock } from '@horizon/shared';
import { describe, expect, it } from 'vitest';
import { createLogLimiter } from '../../src/log-limit.ts';
import { createSealer } from '../../src/session/seal.ts';
import { createSessionStore } from '../../src/session/store.ts';
import { authConfig } from '../auth-config.ts';
import { capture, NOW, session } from '../fixtures.ts';

describe('the session store the config names', () => {
  const deps = (registry = createMetricsRegistry('authproxy')) => {
    const config = authConfig();
    return {
      sealer: createSealer(config.cookie.keys),
      logger: capture().logger,
      logs: createLogLimiter(),
      clock: manualClock(),
      registry,
      revalidate: async () => Promise.reject(new Error('unused')),
    };
  };

  it('seals sessions into cookies by default, with nothing to watch', async () => {
    const registry = createMetricsRegistry('authproxy');
    const store = createSessionStore(authConfig(), deps(registry));
    const value = await store.create(session(), {});
    expect(store.read(value, NOW)).toEqual(session());
    expect(store.available).toBeUndefined();
    expect(await registry.metrics()).not.toMatch(/session_store_up|refreshes_total/);
    await store.close();
  });

  it('keeps them in Redis with store-up and re-validations on the metrics', async () => {
    const registry = createMetricsRegistry('authproxy');
    // Nothing listens there: the store is made, not used.
    const config = authConfig({ 'session.store': 'redis', 'session.redisUrl': 'redis://127.0.0.1:1/0' });
    const store = createSessionStore(config, deps(registry));
    try {
      const text = await registry.metrics();
      expect(text).toMatch(/^horizon_authproxy_session_store_up\{[^}]*\} 1$/m);
      expect(text).toContain('# TYPE horizon_authproxy_refreshes_total counter');
    } finally {
      await store.close();
    }
  });
});
