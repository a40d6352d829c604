import type { Namespace } from '@horizon/shared';

/** The label the API server puts on every Namespace (Kubernetes 1.22+): selectors often use it. */
const NAME_LABEL = 'kubernetes.io/metadata.name';

/**
 * Each Namespace's labels, for a listener's `from: Selector`, with the name label the API server
 * sets on every Namespace. From the API, a namespace Horizon has not seen does not exist (no route
 * of it is admitted). A manifest folder rarely holds its Namespaces: one it lacks has the name
 * label only, as a Namespace created by `kubectl create namespace` would.
 */
export function namespaceLabelsOf(
  namespaces: readonly Namespace[],
  fromManifests: boolean,
): (namespace: string) => Readonly<Record<string, string>> | undefined {
  const labels = new Map(
    namespaces.map((n) => [n.metadata.name, { ...n.metadata.labels, [NAME_LABEL]: n.metadata.name }]),
  );
  return (namespace) => labels.get(namespace) ?? (fromManifests ? { [NAME_LABEL]: namespace } : undefined);
}
