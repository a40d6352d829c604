import { createMetricsRegistry } from '@horizon/shared';
import { describe, expect, it } from 'vitest';
import { listeningGauge } from '../../src/session/invalidation.ts';

describe('horizon_authproxy_revocations_listening', () => {
  it('says whether the replica hears revocations, read when scraped', async () => {
    const registry = createMetricsRegistry('authproxy');
    let listening = true;
    listeningGauge(registry, { listening: () => listening });
    expect(await registry.metrics()).toMatch(/^horizon_authproxy_revocations_listening\{[^}]*\} 1$/m);
    listening = false;
    expect(await registry.metrics()).toMatch(/^horizon_authproxy_revocations_listening\{[^}]*\} 0$/m);
  });
});
