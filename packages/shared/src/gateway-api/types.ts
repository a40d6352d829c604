/**
 * The parts of Gateway API v1 objects Horizon reads (gateway.networking.k8s.io/v1, standard
 * channel). Fields are optional where the API lets them be absent; readers apply the API's
 * defaults themselves (see `parent-refs.ts`), with the constants below.
 */
export interface ObjectMeta {
  name: string;
  namespace?: string;
  resourceVersion?: string;
  uid?: string;
  generation?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** Any object the API or a manifest folder can hold. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  spec?: unknown;
  status?: unknown;
}

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  observedGeneration?: number;
}

export interface GatewayAddress {
  type?: string; // IPAddress (default) | Hostname | implementation-specific
  value: string;
}

/** A Kubernetes `metav1.LabelSelector`, the structured form (a listener's namespace selector). */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

export interface RouteNamespaces {
  from?: 'All' | 'Same' | 'Selector';
  selector?: LabelSelector;
}

export interface Listener {
  name: string;
  hostname?: string;
  port: number;
  protocol: string;
  allowedRoutes?: { namespaces?: RouteNamespaces; kinds?: { group?: string; kind: string }[] };
}

export interface Gateway extends KubeObject {
  spec: {
    gatewayClassName: string;
    listeners: Listener[];
    addresses?: GatewayAddress[];
    /** What the controller copies onto the objects it creates for the Gateway (its Service). */
    infrastructure?: { annotations?: Record<string, string>; labels?: Record<string, string> };
  };
  status?: { addresses?: GatewayAddress[]; conditions?: Condition[] };
}

export interface ParentReference {
  group?: string;
  kind?: string;
  namespace?: string;
  name: string;
  sectionName?: string;
  port?: number;
}

export interface RouteParentStatus {
  parentRef: ParentReference;
  controllerName: string;
  conditions?: Condition[];
}

export interface HTTPRoute extends KubeObject {
  spec: { parentRefs?: ParentReference[]; hostnames?: string[]; rules?: unknown[] };
  status?: { parents?: RouteParentStatus[] };
}

/** A GRPCRoute: hostnames and parents as an HTTPRoute's (its rules are gRPC-specific). */
export interface GRPCRoute extends KubeObject {
  spec: { parentRefs?: ParentReference[]; hostnames?: string[]; rules?: unknown[] };
  status?: { parents?: RouteParentStatus[] };
}

/** The parts of a core/v1 Service Horizon reads: its type, and the load balancer's addresses. */
export interface Service extends KubeObject {
  spec: { type?: string; loadBalancerIP?: string; clusterIP?: string; ports?: unknown[] };
  status?: { loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] } };
}

/** A core/v1 Namespace: its labels are what `allowedRoutes.namespaces.selector` matches. */
export type Namespace = KubeObject;

/** An external-dns DNSEndpoint (externaldns.k8s.io/v1alpha1). */
export interface DNSEndpoint extends KubeObject {
  spec: {
    endpoints?: {
      dnsName: string;
      recordType?: string;
      targets?: string[];
      recordTTL?: number;
      labels?: Record<string, string>;
      providerSpecific?: { name: string; value: string }[];
      setIdentifier?: string;
    }[];
  };
}

/** An Envoy Gateway SecurityPolicy (gateway.envoyproxy.io/v1alpha1): only read by checks of a setup. */
export interface SecurityPolicy extends KubeObject {
  spec: {
    targetRefs?: { group?: string; kind: string; name: string }[];
    targetRef?: unknown;
    extAuth?: unknown;
  };
}

/** The API group of the Gateway API kinds: what a parentRef's or an allowedRoutes kind's `group` defaults to. */
export const GATEWAY_API_GROUP = 'gateway.networking.k8s.io';

/**
 * The namespace of a namespaced object that names none, as `kubectl apply` and the sources give it
 * (a manifest without `metadata.namespace`). The one home of this default: a route's parentRef
 * without a namespace means the route's own, which is this one when the route names none.
 */
export const DEFAULT_NAMESPACE = 'default';

/** An object's namespace, {@link DEFAULT_NAMESPACE} when it names none. */
export const namespaceOf = (o: KubeObject): string => o.metadata.namespace ?? DEFAULT_NAMESPACE;

/**
 * Namespaced name, `namespace/name`: how Horizon refers to an object in config and output (a
 * Gateway is `network/internal`). Cluster-scoped objects (Namespaces) take the default too, which
 * still names each once within its kind.
 */
export const keyOf = (o: KubeObject): string => `${namespaceOf(o)}/${o.metadata.name}`;

/** True for anything shaped like a Kubernetes object with a name. */
export function isKubeObject(value: unknown): value is KubeObject {
  const meta = (value as { metadata?: { name?: unknown } } | null)?.metadata;
  return typeof meta?.name === 'string' && meta.name !== '';
}
