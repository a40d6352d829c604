import { createMetricsRegistry } from '@horizon/shared';
import { describe, expect, it } from 'vitest';
import { authError } from '../../src/errors.ts';
import { countRevalidations } from '../../src/session/revalidations.ts';

describe('re-validations counted', () => {
  it('counts each by result, ok or the error code, and passes results and errors through', async () => {
    const registry = createMetricsRegistry('authproxy');
    const answers = [
      async () => ({ identity: { sub: 'u', user: 'u', groups: [] } }),
      async () => Promise.reject(authError('E_PROVIDER_REJECTED', 'revoked')),
      async () => Promise.reject(new Error('no code')),
    ];
    let i = 0;
    const revalidate = countRevalidations(registry, () => (answers[i++] as () => Promise<never>)());
    await expect(revalidate('t')).resolves.toMatchObject({ identity: { sub: 'u' } });
    await expect(revalidate('t')).rejects.toMatchObject({ code: 'E_PROVIDER_REJECTED' });
    await expect(revalidate('t')).rejects.toThrow('no code');
    const counts = [
      ...(await registry.metrics()).matchAll(
        /^horizon_authproxy_refreshes_total\{result="([^"]+)"[^}]*\} (\d+)$/gm,
      ),
    ];
    expect(counts.map((m) => `${m[1]} ${m[2]}`)).toEqual(['ok 1', 'E_PROVIDER_REJECTED 1', 'E_UNKNOWN 1']);
  });
});
