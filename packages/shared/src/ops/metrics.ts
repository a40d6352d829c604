import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * A service's own metrics registry, with Node's default process metrics. Never prom-client's
 * global registry: each service (and each test) gets its own, passed down to the components that
 * define metrics beside the code that counts them.
 */
export function createMetricsRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return registry;
}

export type { Registry } from 'prom-client';
