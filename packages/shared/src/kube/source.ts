import { createBackoff } from '../backoff.ts';
import type { Clock } from '../clock.ts';
import type { SourceConfig } from '../config/common.ts';
import type { Logger } from '../log.ts';
import type { Registry } from '../ops/metrics.ts';
import { createSourceCore } from '../source/core.ts';
import { DEFAULT_KINDS, KINDS, type KindName } from '../source/kinds.ts';
import { createSourceMetrics } from '../source/metrics.ts';
import type { GatewayApiSource } from '../source/types.ts';
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
  /** The kinds to watch. Default: Gateways and HTTPRoutes. */
  kinds?: readonly KindName[];
  /** Tuning for tests; production uses the defaults. */
  tuning?: {
    stallGraceMs?: number;
    pageSize?: number;
    listTimeoutMs?: number;
    backoffInitialMs?: number;
    backoffMaxMs?: number;
    /** How often to look again for an optional kind whose CRD is not installed. Default 5 min. */
    absentRecheckMs?: number;
    clock?: Clock;
  };
}

/**
 * Objects from the Kubernetes API: one reflector per watched kind over one client. Synced once
 * every kind has listed (an optional kind whose CRD is missing counts as listed, empty); stale for
 * as long as the stalest kind.
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
  const kinds = options.kinds ?? DEFAULT_KINDS;
  const core = createSourceCore({ kinds, debounceMs: config.debounceMs, logger, metrics });
  const t = options.tuning ?? {};
  for (const [name, store] of core.stores) {
    reflectors.push(
      createReflector({
        client,
        kind: KINDS[name],
        store,
        namespace: config.namespace,
        // Namespaces are read whole: their labels decide which routes a Gateway admits.
        labelSelector: KINDS[name].labelFiltered ? config.labelSelector : '',
        watchTimeoutSeconds: config.watchTimeoutSeconds,
        stallGraceMs: t.stallGraceMs ?? 30_000,
        pageSize: t.pageSize ?? 500,
        listTimeoutMs: t.listTimeoutMs ?? 60_000,
        absentRecheckMs: t.absentRecheckMs ?? 300_000,
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
