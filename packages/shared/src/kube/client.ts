import {
  ApiException,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  Observable,
  type RequestContext,
  type ResponseContext,
  Watch,
} from '@kubernetes/client-node';
import { HorizonError } from '../errors.ts';
import type { KubeObject } from '../gateway-api/types.ts';
import { collectionPath, type ResourceKind } from '../source/kinds.ts';

// The only module that imports @kubernetes/client-node. It translates the client's errors into
// HorizonErrors and hands out plain data; the reflector above it owns all retry logic.

type Dispatcher = NonNullable<ReturnType<RequestContext['getDispatcher']>>;

/** Options of {@link createKubeClient}. */
export interface KubeClientOptions {
  /** A kubeconfig file. Empty: $KUBECONFIG, else ~/.kube/config, else in-cluster (the client's order). */
  kubeconfig?: string;
  /** A context of the kubeconfig. Empty: its current context. */
  context?: string;
}

export interface ListPage {
  items: KubeObject[];
  resourceVersion: string;
  continueToken: string;
}

export interface ListParams {
  namespace: string;
  labelSelector: string;
  limit: number;
  continueToken: string;
  signal: AbortSignal;
}

export interface WatchParams {
  namespace: string;
  labelSelector: string;
  resourceVersion: string;
  timeoutSeconds: number;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

/** A watch in progress; how it ended comes to the `onDone` given to `watch`, once. */
export interface WatchHandle {
  abort(): void;
}

export interface KubeClient {
  /** The API server's URL, for logs. */
  readonly server: string;
  listPage(kind: ResourceKind, params: ListParams): Promise<ListPage>;
  /**
   * Opens a watch. Resolves once the API answered 200 (or failed, in which case `onDone` has
   * already been called). `onDone` is called exactly once: null for a clean close, else a
   * HorizonError (E_KUBE_GONE, E_KUBE_STALL or E_KUBE_WATCH).
   */
  watch(
    kind: ResourceKind,
    params: WatchParams,
    onEvent: (type: WatchEventType, object: unknown) => void,
    onDone: (err: HorizonError | null) => void,
  ): Promise<WatchHandle>;
  /** Destroys every connection the client holds, open watches included. */
  close(): Promise<void>;
}

/**
 * A KubeConfig that pins one HTTP dispatcher. The client makes a new undici Agent for each
 * request; pinning one gives connection reuse, and lets close() destroy every socket (a watch
 * still connecting included), so a stopped watcher leaves nothing behind.
 */
class PinnedKubeConfig extends KubeConfig {
  dispatcher: Dispatcher | undefined;

  override async applySecurityAuthentication(ctx: RequestContext): Promise<void> {
    await super.applySecurityAuthentication(ctx);
    const fresh = ctx.getDispatcher();
    if (!fresh) return;
    if (this.dispatcher === undefined) {
      this.dispatcher = fresh;
    } else if (fresh !== this.dispatcher) {
      ctx.setDispatcher(this.dispatcher);
      void fresh.close();
    }
  }
}

export function createKubeClient(options: KubeClientOptions = {}): KubeClient {
  const kc = new PinnedKubeConfig();
  try {
    if (options.kubeconfig) kc.loadFromFile(options.kubeconfig);
    else kc.loadFromDefault();
    if (options.context) kc.setCurrentContext(options.context);
  } catch (err) {
    throw new HorizonError('E_KUBECONFIG', `cannot load kubeconfig: ${String(err)}`, { cause: err });
  }
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new HorizonError('E_KUBECONFIG', 'the kubeconfig names no current cluster');
  const api = kc.makeApiClient(CustomObjectsApi);
  const coreApi = kc.makeApiClient(CoreV1Api);
  const watcher = new Watch(kc);
  type Query = { labelSelector?: string; limit: number; _continue?: string };
  type Options = Parameters<CoreV1Api['listNamespace']>[1];
  // The core group's kinds have their own generated calls; every other group is a custom object.
  const coreLists: Record<string, (namespace: string, q: Query, opts: Options) => Promise<unknown>> = {
    services: (namespace, q, opts) =>
      namespace
        ? coreApi.listNamespacedService({ namespace, ...q }, opts)
        : coreApi.listServiceForAllNamespaces(q, opts),
    namespaces: (_namespace, q, opts) => coreApi.listNamespace(q, opts),
  };
  const list = (kind: ResourceKind, namespace: string, q: Query, opts: Options): Promise<unknown> => {
    const ns = kind.namespaced ? namespace : '';
    if (kind.group === '') {
      const call = coreLists[kind.plural];
      if (!call) throw new HorizonError('E_KUBE_LIST', `list ${kind.plural}: not a core kind Horizon reads`);
      return call(ns, q, opts);
    }
    const common = { group: kind.group, version: kind.version, plural: kind.plural, ...q };
    return ns
      ? api.listNamespacedCustomObject({ ...common, namespace: ns }, opts)
      : api.listClusterCustomObject(common, opts);
  };

  return {
    server: cluster.server,
    async listPage(kind, p) {
      // The generated API has no signal parameter; a middleware sets one, so a hung list ends.
      const signalMiddleware = {
        pre: (ctx: RequestContext) => {
          ctx.setSignal(p.signal);
          return new Observable(Promise.resolve(ctx));
        },
        post: (rsp: ResponseContext) => new Observable(Promise.resolve(rsp)),
      };
      const query: Query = {
        limit: p.limit,
        ...(p.labelSelector ? { labelSelector: p.labelSelector } : {}),
        ...(p.continueToken ? { _continue: p.continueToken } : {}),
      };
      const opts = { middleware: [signalMiddleware], middlewareMergeStrategy: 'append' as const };
      try {
        const page = (await list(kind, p.namespace, query, opts)) as {
          items?: KubeObject[];
          metadata?: { resourceVersion?: string; _continue?: string; continue?: string };
        };
        return {
          items: page.items ?? [],
          resourceVersion: page.metadata?.resourceVersion ?? '',
          // The generated core types name it `_continue`; custom objects are raw JSON (`continue`).
          continueToken: page.metadata?._continue ?? page.metadata?.continue ?? '',
        };
      } catch (err) {
        throw translate(err, 'E_KUBE_LIST', `list ${kind.plural}`);
      }
    },
    async watch(kind, p, onEvent, onDone) {
      const path = collectionPath(kind, p.namespace);
      const query: Record<string, string | number | boolean> = {
        resourceVersion: p.resourceVersion,
        allowWatchBookmarks: true,
        timeoutSeconds: p.timeoutSeconds,
      };
      if (p.labelSelector) query.labelSelector = p.labelSelector;
      const controller = await watcher.watch(
        path,
        query,
        (type: string, object: unknown) => onEvent(type as WatchEventType, object),
        (err: unknown) => onDone(err ? translate(err, 'E_KUBE_WATCH', `watch ${kind.plural}`) : null),
      );
      return { abort: () => controller.abort() };
    },
    async close() {
      const d = kc.dispatcher;
      kc.dispatcher = undefined;
      if (d) await d.destroy();
    },
  };
}

/** Maps the client's errors to ours: 410 to E_KUBE_GONE, its inactivity timeout to E_KUBE_STALL. */
function translate(err: unknown, code: 'E_KUBE_LIST' | 'E_KUBE_WATCH', what: string): HorizonError {
  const status =
    err instanceof ApiException
      ? err.code
      : ((err as { statusCode?: number } | null)?.statusCode ?? undefined);
  if (status === 410) return new HorizonError('E_KUBE_GONE', `${what}: 410 Gone`, { cause: err });
  if ((err as { name?: string } | null)?.name === 'TimeoutError') {
    return new HorizonError('E_KUBE_STALL', `${what}: no data within the client's timeout`, { cause: err });
  }
  const detail = status === undefined ? String((err as Error)?.message ?? err) : `HTTP ${status}`;
  const out = new HorizonError(code, `${what}: ${detail}`, { cause: err });
  return Object.assign(out, { status });
}
