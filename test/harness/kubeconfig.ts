import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { scratchDir } from './scratch.ts';

/**
 * Writes a kubeconfig for a fake API server on loopback. The client refuses plain http unless the
 * cluster sets insecure-skip-tls-verify, which is what a real kubeconfig for such a server says.
 */
export function writeKubeconfig(server: { url: string; token: string }): string {
  const dir = scratchDir('kube');
  const path = join(dir, 'kubeconfig.yaml');
  writeFileSync(
    path,
    `apiVersion: v1
kind: Config
clusters:
  - name: fake
    cluster:
      server: ${server.url}
      insecure-skip-tls-verify: true
users:
  - name: tester
    user:
      token: ${server.token}
contexts:
  - name: fake
    context: { cluster: fake, user: tester }
current-context: fake
`,
  );
  return path;
}

/**
 * A Kubernetes source's config (shared's `source` section) for a fake API server: the whole
 * cluster, no label selector, long watches, and whatever a test sets in `over`.
 */
export function kubeSourceConfig(
  server: { url: string; token: string },
  over: { namespace?: string; labelSelector?: string; debounceMs?: number } = {},
) {
  return {
    namespace: '',
    labelSelector: '',
    kubeconfig: writeKubeconfig(server),
    context: '',
    watchTimeoutSeconds: 300,
    debounceMs: 20,
    ...over,
  };
}
