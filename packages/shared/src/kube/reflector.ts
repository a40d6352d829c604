import type { Backoff } from '../backoff.ts';
import { type Clock, systemClock } from '../clock.ts';
import { describeError, HorizonError } from '../errors.ts';
import { isKubeObject, type KubeObject } from '../gateway-api/types.ts';
import type { Logger } from '../log.ts';
import type { ResourceKind } from '../source/kinds.ts';
import type { SourceMetrics } from '../source/metrics.ts';
import { hasChanges, type ObjectStore } from '../source/store.ts';
import type { KubeClient, WatchEventType } from './client.ts';
import { slim } from './slim.ts';

/** Options of {@link createReflector}. */
export interface ReflectorOptions {
  client: KubeClient;
  kind: ResourceKind;
  store: ObjectStore;
  namespace: string;
  labelSelector: string;
  /** Base `timeoutSeconds` of a watch; each watch asks for base..2x base, as client-go does. */
  watchTimeoutSeconds: number;
  /** A watch still open this long after its timeout is presumed half-open and dropped. */
  stallGraceMs: number;
  /** Objects per list page (`limit`). */
  pageSize: number;
  /** A list page slower than this is abandoned. */
  listTimeoutMs: number;
  /** For an optional kind whose CRD is missing (404): how long until the next look. */
  absentRecheckMs: number;
  backoff: Backoff;
  logger: Logger;
  metrics?: SourceMetrics | undefined;
  /** Called after every change to the store (the source debounces). */
  onChange: () => void;
  /** Time for staleness and backoff waits; tests pass a manual clock. Default: the system's. */
  clock?: Clock;
  random?: () => number;
}

export interface Reflector {
  /** Starts the loop (once); resolves after the first list attempt, successful or not. */
  start(): Promise<void>;
  /** Stops the loop and resolves when it has ended. */
  stop(): Promise<void>;
  synced(): boolean;
  stalenessSeconds(): number;
}

/**
 * Keeps `store` equal to the API's objects of one kind: list, then watch from the list's
 * resourceVersion, forever. We own this loop instead of using the client's ListWatch because that
 * one sends neither timeoutSeconds nor allowWatchBookmarks, has no list timeout, and stops for
 * good after a reset, a 5xx or a failed list.
 * - clean close or client timeout: watch again from the last resourceVersion, at once;
 * - 410 Gone (HTTP or ERROR event): relist at once, which reconciles deletions missed meanwhile;
 * - anything else: retry with jittered exponential backoff, forever, keeping the last objects.
 */
export function createReflector(o: ReflectorOptions): Reflector {
  const clock = o.clock ?? systemClock;
  const now = () => clock.now();
  const random = o.random ?? Math.random;
  const log = o.logger.child({ kind: o.kind.plural });
  const label = { kind: o.kind.plural };
  let resourceVersion = '';
  let everSynced = false;
  let connected = false;
  let lastCurrentAt = Number.NEGATIVE_INFINITY;
  // An optional kind whose CRD is not installed: "none of these" is current, not stale.
  let absent = false;
  let controller: AbortController | undefined;
  let loop: Promise<void> | undefined;
  let firstAttempt: Promise<void> | undefined;

  const relist = async (signal: AbortSignal): Promise<void> => {
    const items: KubeObject[] = [];
    let token = '';
    let listVersion = '';
    do {
      const page = await o.client.listPage(o.kind, {
        namespace: o.namespace,
        labelSelector: o.labelSelector,
        limit: o.pageSize,
        continueToken: token,
        signal: AbortSignal.any([signal, AbortSignal.timeout(o.listTimeoutMs)]),
      });
      for (const item of page.items) if (isKubeObject(item)) items.push(slim(item));
      listVersion ||= page.resourceVersion;
      token = page.continueToken;
    } while (token !== '');
    const delta = o.store.replace(items);
    if (absent) log.info('the CRD is installed now: watching it');
    absent = false;
    resourceVersion = listVersion;
    lastCurrentAt = now();
    o.metrics?.lists.inc({ ...label, result: 'ok' });
    o.metrics?.objects.set(label, o.store.size);
    log.info({ objects: items.length, resource_version: listVersion, ...delta }, 'listed');
    if (hasChanges(delta) || !everSynced) {
      everSynced = true;
      o.onChange();
    }
  };

  /** One watch, from open to close. Resolves with why it ended (null: a clean close). */
  const watchOnce = (signal: AbortSignal): Promise<{ err: HorizonError | null; events: number }> =>
    new Promise((resolve) => {
      const timeoutSeconds = Math.round(o.watchTimeoutSeconds * (1 + random()));
      let handle: { abort(): void } | undefined;
      let settled = false;
      let events = 0;
      const finish = (err: HorizonError | null) => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        signal.removeEventListener('abort', onAbort);
        handle?.abort();
        // A clean close means we were current until now; otherwise until the last data.
        if (connected && err === null) lastCurrentAt = now();
        connected = false;
        resolve({ err, events });
      };
      const onAbort = () => finish(null);
      const deadline = setTimeout(
        () => {
          finish(new HorizonError('E_KUBE_STALL', `watch open ${timeoutSeconds} s past its timeout`));
        },
        timeoutSeconds * 1000 + o.stallGraceMs,
      );
      signal.addEventListener('abort', onAbort, { once: true });

      const onEvent = (type: WatchEventType, object: unknown) => {
        // Never throw from here: the client would swallow it and the event would be lost unseen.
        try {
          lastCurrentAt = now();
          o.metrics?.events.inc({ ...label, type });
          if (type === 'ERROR') return finish(statusError(object));
          if (type === 'BOOKMARK') {
            // A bookmark is only a resourceVersion (no name): where to resume without a relist.
            const rv = (object as { metadata?: { resourceVersion?: string } } | null)?.metadata
              ?.resourceVersion;
            if (rv) resourceVersion = rv;
            return;
          }
          if (!isKubeObject(object)) return log.warn({ type }, 'watch event without an object');
          events += 1;
          const delta = type === 'DELETED' ? o.store.remove(object) : o.store.upsert(slim(object));
          o.metrics?.objects.set(label, o.store.size);
          if (hasChanges(delta)) o.onChange();
          if (object.metadata.resourceVersion) resourceVersion = object.metadata.resourceVersion;
        } catch (err) {
          log.error({ err, type }, 'watch event could not be applied');
        }
      };
      const params = {
        namespace: o.namespace,
        labelSelector: o.labelSelector,
        resourceVersion,
        timeoutSeconds,
      };
      o.client.watch(o.kind, params, onEvent, finish).then(
        (h) => {
          handle = h;
          if (settled) return h.abort();
          connected = true;
          lastCurrentAt = now();
        },
        (err: unknown) => finish(new HorizonError('E_KUBE_WATCH', describeError(err), { cause: err })),
      );
    });

  /** The API has no such kind (its CRD is missing): none of them, synced, said once. */
  const noteAbsent = () => {
    o.metrics?.lists.inc({ ...label, result: 'absent' });
    if (!absent) {
      log.info(
        { recheck_seconds: o.absentRecheckMs / 1000 },
        `${o.kind.kind} is not installed in this cluster (its CRD is missing): serving without it`,
      );
    }
    absent = true;
    const delta = o.store.replace([]);
    if (hasChanges(delta) || !everSynced) {
      everSynced = true;
      o.onChange();
    }
  };

  const run = async (signal: AbortSignal, attempted: () => void): Promise<void> => {
    while (!signal.aborted) {
      let delayMs = 0;
      try {
        if (resourceVersion === '') await relist(signal);
        attempted();
        const started = now();
        const { err, events } = await watchOnce(signal);
        if (signal.aborted) break;
        const reason = restartReason(err);
        o.metrics?.restarts.inc({ ...label, reason });
        if (reason === 'gone') resourceVersion = '';
        if (reason === 'error' || (reason === 'closed' && events === 0 && now() - started < 1000)) {
          // A server that closes at once, or errors, must not make us spin: back off.
          delayMs = o.backoff.next();
          log.warn({ reason, err: err?.message, retry_in_ms: delayMs }, 'watch ended');
        } else {
          o.backoff.reset();
          log.debug({ reason }, 'watch ended; watching again');
        }
      } catch (err) {
        if (signal.aborted) break;
        if (o.kind.optional && (err as { status?: number }).status === 404) {
          noteAbsent();
          attempted();
          delayMs = o.absentRecheckMs;
        } else {
          attempted();
          o.metrics?.lists.inc({ ...label, result: 'error' });
          delayMs = o.backoff.next();
          log.warn({ err: describeError(err), retry_in_ms: delayMs }, 'list failed');
        }
      }
      if (delayMs > 0) await clock.delay(delayMs, signal);
    }
  };

  return {
    start() {
      if (firstAttempt) return firstAttempt;
      controller = new AbortController();
      const { signal } = controller;
      firstAttempt = new Promise<void>((resolve) => {
        loop = run(signal, resolve).finally(resolve);
      });
      return firstAttempt;
    },
    async stop() {
      controller?.abort();
      await loop;
      controller = undefined;
      loop = undefined;
      firstAttempt = undefined;
    },
    synced: () => everSynced,
    stalenessSeconds() {
      if (!everSynced) return Number.POSITIVE_INFINITY;
      if (connected || absent) return 0;
      return Math.max(0, (now() - lastCurrentAt) / 1000);
    },
  };
}

function restartReason(err: HorizonError | null): 'closed' | 'gone' | 'stalled' | 'error' {
  if (err === null) return 'closed';
  if (err.code === 'E_KUBE_GONE') return 'gone';
  if (err.code === 'E_KUBE_STALL') return 'stalled';
  return 'error';
}

/** An ERROR watch event carries a metav1.Status; 410 means our resourceVersion is too old. */
function statusError(object: unknown): HorizonError {
  const status = (object ?? {}) as { code?: number; message?: string };
  if (status.code === 410) return new HorizonError('E_KUBE_GONE', `watch: ${status.message ?? '410 Gone'}`);
  return new HorizonError('E_KUBE_WATCH', `watch error event: ${status.code ?? '?'} ${status.message ?? ''}`);
}
