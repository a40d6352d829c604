import { createBackoff } from '../backoff.ts';
import type { Clock } from '../clock.ts';
import type { SourceConfig } from '../config/common.ts';
import type { Logger } from '../log.ts';
import type { Registry } from '../ops/metrics.ts';
import { createSourceCore } from '../source/core.ts';
import { createSourceMetrics } from '../source/metrics.ts';
import { GATEWAY_KINDS, type GatewayApiSource } from '../source/types.ts';
import { createKubeClient, type KubeClient } from './client.ts';
import { createReflector, type Reflector } from './reflector.ts';

/** Options of {@link createKubeSource}. */
export interface KubeSourceOptions {
  config: Pick<
    SourceConfig,
    'namespace' | 'labelSelector' | 'kubeconfig' | 'context' | 'watchTimeoutSeconds' | 'debounceMs'
  >;
  logger: Logger;
  /** Where to define metrics, and their name prefix (e.g. `horizon_dns`). */
  metrics?: { registry: Registry; prefix: string };
  /** A client to use instead of one built from the kubeconfig (tests). */
  client?: KubeClient;
  /** Tuning for tests; production uses the defaults. */
  tuning?: {
    stallGraceMs?: number;
    pageSize?: number;
    listTimeoutMs?: number;
    backoffInitialMs?: number;
    backoffMaxMs?: number;
    clock?: Clock;
  };
}

/**
 * Gateway API objects from the Kubernetes API: one reflector per kind over one client. Synced once
 * both kinds have listed; stale for as long as the worse of the two.
 */
export function createKubeSource(options: KubeSourceOptions): GatewayApiSource {
  const { config } = options;
  const logger = options.logger.child({ component: 'kube-source' });
  const client =
    options.client ?? createKubeClient({ kubeconfig: config.kubeconfig, context: config.context });
  const reflectors: Reflector[] = [];
  const live = { synced: (): boolean => reflectors.every((r) => r.synced()), stalenessSeconds };
  const metrics = options.metrics
    ? createSourceMetrics(options.metrics.registry, options.metrics.prefix, live)
    : undefined;
  const core = createSourceCore({ debounceMs: config.debounceMs, logger, metrics });
  const t = options.tuning ?? {};
  for (const plural of ['gateways', 'httproutes'] as const) {
    reflectors.push(
      createReflector({
        client,
        kind: GATEWAY_KINDS[plural],
        store: plural === 'gateways' ? core.gateways : core.httpRoutes,
        namespace: config.namespace,
        labelSelector: config.labelSelector,
        watchTimeoutSeconds: config.watchTimeoutSeconds,
        stallGraceMs: t.stallGraceMs ?? 30_000,
        pageSize: t.pageSize ?? 500,
        listTimeoutMs: t.listTimeoutMs ?? 60_000,
        backoff: createBackoff({ initialMs: t.backoffInitialMs ?? 500, maxMs: t.backoffMaxMs ?? 30_000 }),
        logger,
        metrics,
        onChange: core.changed,
        ...(t.clock ? { clock: t.clock } : {}),
      }),
    );
  }
  function stalenessSeconds(): number {
    return Math.max(...reflectors.map((r) => r.stalenessSeconds()));
  }
  logger.info(
    { server: client.server, namespace: config.namespace || '(all)' },
    'watching the Kubernetes API',
  );

  return {
    async start() {
      await Promise.all(reflectors.map((r) => r.start()));
    },
    async stop() {
      await Promise.all(reflectors.map((r) => r.stop()));
      core.cancel();
      await client.close();
    },
    synced: live.synced,
    stalenessSeconds,
    snapshot: core.snapshot,
    onChange: core.onChange,
  };
}
