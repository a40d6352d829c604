import { Counter, type Registry } from 'prom-client';
import type { Revalidate } from './types.ts';

/**
 * A server-side store's re-validations at the provider, counted by result
 * (`horizon_authproxy_refreshes_total`: ok, or the error code): a provider refusing every refresh
 * shows here before users notice their sessions ending.
 */
export function countRevalidations(registry: Registry, revalidate: Revalidate): Revalidate {
  const refreshes = new Counter({
    name: 'horizon_authproxy_refreshes_total',
    help: 'Session re-validations at the provider (Redis store), by result.',
    labelNames: ['result'],
    registers: [registry],
  });
  return async (token) => {
    try {
      const out = await revalidate(token);
      refreshes.inc({ result: 'ok' });
      return out;
    } catch (err) {
      refreshes.inc({ result: (err as { code?: string }).code ?? 'E_UNKNOWN' });
      throw err;
    }
  };
}
