import type { SourceConfig } from '../config/common.ts';
import type { Logger } from '../log.ts';
import type { Registry } from '../ops/metrics.ts';
import { createFileSource } from './file.ts';
import type { KindName } from './kinds.ts';
import type { GatewayApiSource } from './types.ts';

/** What {@link createGatewayApiSource} needs besides the config. */
export interface SourceDeps {
  logger: Logger;
  /** Values for `${VAR}` in manifests; main.ts passes process.env. */
  vars: Readonly<Record<string, string | undefined>>;
  metrics?: { registry: Registry; prefix: string };
  /** The kinds to watch. Default: Gateways and HTTPRoutes. */
  kinds?: readonly KindName[];
}

/**
 * The source the config asks for: the manifest folder when `source.manifests` is set, otherwise
 * the Kubernetes API. The Kubernetes client is only loaded in the second case, so the demo and
 * GitOps-folder setups never pay for it.
 */
export async function createGatewayApiSource(
  config: SourceConfig,
  deps: SourceDeps,
): Promise<GatewayApiSource> {
  if (config.manifests !== '') {
    return createFileSource({
      dir: config.manifests,
      vars: deps.vars,
      namespace: config.namespace,
      labelSelector: config.labelSelector,
      debounceMs: config.debounceMs,
      logger: deps.logger,
      ...(deps.metrics ? { metrics: deps.metrics } : {}),
      ...(deps.kinds ? { kinds: deps.kinds } : {}),
    });
  }
  const { createKubeSource } = await import('../kube/source.ts');
  return createKubeSource({
    config,
    logger: deps.logger,
    ...(deps.metrics ? { metrics: deps.metrics } : {}),
    ...(deps.kinds ? { kinds: deps.kinds } : {}),
  });
}
