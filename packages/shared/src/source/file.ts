import { type FSWatcher, watch } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describeError, HorizonError } from '../errors.ts';
import { DEFAULT_NAMESPACE, isKubeObject, type KubeObject } from '../gateway-api/types.ts';
import type { Logger } from '../log.ts';
import type { Registry } from '../ops/metrics.ts';
import { createSourceCore, isOfKind } from './core.ts';
import { DEFAULT_KINDS, KINDS, type KindName } from './kinds.ts';
import { createSourceMetrics } from './metrics.ts';
import { parseLabelSelector } from './selector.ts';
import { substituteVariables } from './substitute.ts';
import type { GatewayApiSource } from './types.ts';

/** Options of {@link createFileSource}. */
export interface FileSourceOptions {
  /** The folder; `*.yaml` and `*.yml` below it are read, hidden entries skipped. */
  dir: string;
  /** Values for `${VAR}` in the manifests (main.ts passes the environment). */
  vars: Readonly<Record<string, string | undefined>>;
  namespace: string;
  labelSelector: string;
  debounceMs: number;
  /** Namespace of objects that name none (Flux's targetNamespace). Default `default`. */
  defaultNamespace?: string;
  /** Re-read every this often even without a file event (0: never). Default 10,000 ms. */
  pollMs?: number;
  logger: Logger;
  metrics?: { registry: Registry; prefix: string };
  /** The kinds to read; objects of other kinds are ignored. Default: Gateways and HTTPRoutes. */
  kinds?: readonly KindName[];
}

/**
 * Gateway API objects from a folder of manifests, reloaded on change: the demo, a GitOps checkout
 * or a ConfigMap mount. Manifests carry no status, so consumers treat routes as accepted and take
 * a Gateway's address from `spec.addresses`. A file that fails to parse keeps its last good
 * objects, so a half-saved edit never empties the index.
 */
export function createFileSource(options: FileSourceOptions): GatewayApiSource {
  const logger = options.logger.child({ component: 'file-source', dir: options.dir });
  const matches = parseLabelSelector(options.labelSelector);
  const defaultNamespace = options.defaultNamespace ?? DEFAULT_NAMESPACE;
  let loaded = false;
  const live = { synced: () => loaded, stalenessSeconds: () => (loaded ? 0 : Number.POSITIVE_INFINITY) };
  const metrics = options.metrics
    ? createSourceMetrics(options.metrics.registry, options.metrics.prefix, live)
    : undefined;
  const kinds = options.kinds ?? DEFAULT_KINDS;
  const core = createSourceCore({ kinds, debounceMs: options.debounceMs, logger, metrics });
  const lastGood = new Map<string, KubeObject[]>(); // file -> its objects at its last good parse
  const seen = new Map<string, string>(); // file -> mtime/size/inode of that parse
  let watcher: FSWatcher | undefined;
  let poll: NodeJS.Timeout | undefined;
  let reloadTimer: NodeJS.Timeout | undefined;
  let reloading: Promise<void> = Promise.resolve();

  const parseFile = async (file: string): Promise<KubeObject[]> => {
    const text = substituteVariables(await readFile(file, 'utf8'), options.vars, file);
    const objects: KubeObject[] = [];
    for (const doc of parseAllDocuments(text)) {
      if (doc.errors.length > 0) {
        throw new HorizonError('E_MANIFEST_PARSE', `${file}: ${doc.errors[0]?.message}`, {
          cause: doc.errors[0],
        });
      }
      const value: unknown = doc.toJS();
      const items =
        (value as { kind?: string; items?: unknown[] } | null)?.kind === 'List'
          ? ((value as { items?: unknown[] }).items ?? [])
          : [value];
      for (const item of items) if (isKubeObject(item)) objects.push(item);
    }
    return objects;
  };

  const reload = async (): Promise<void> => {
    let files: string[];
    try {
      files = await listManifests(options.dir);
    } catch (err) {
      metrics?.lists.inc({ kind: 'files', result: 'error' });
      logger.error({ err: describeError(err) }, 'cannot read the manifest folder');
      return;
    }
    let touched = false;
    for (const file of lastGood.keys()) {
      if (!files.includes(file)) {
        lastGood.delete(file);
        seen.delete(file);
        touched = true;
      }
    }
    for (const file of files) {
      try {
        // Unchanged files are not parsed again: the safety-net poll must not block the event
        // loop every 10 s re-parsing a large folder (seen as 200-300 ms DNS latency spikes).
        const st = await stat(file); // follows symlinks: a ConfigMap swap changes it
        const version = `${st.mtimeMs}/${st.size}/${st.ino}`;
        if (seen.get(file) === version && lastGood.has(file)) continue;
        touched = true;
        lastGood.set(file, await parseFile(file));
        seen.set(file, version);
      } catch (err) {
        metrics?.lists.inc({ kind: 'files', result: 'error' });
        const kept = lastGood.get(file)?.length ?? 0;
        logger.error(
          { err: describeError(err), file: relative(options.dir, file), kept },
          'manifest skipped',
        );
      }
    }
    if (!touched && loaded) return; // nothing on disk changed since the last reload
    // Synced only once every file has loaded: serving a folder with a broken file left out would
    // answer that file's names NXDOMAIN, a false negative (style rule 4: SERVFAIL instead, and not
    // ready, until it is fixed). After that a file that breaks keeps its last good objects.
    const missing = files.filter((file) => !lastGood.has(file));
    if (!loaded && missing.length > 0) {
      logger.error(
        { files: missing.map((file) => relative(options.dir, file)) },
        'not serving until every manifest loads (zone names get SERVFAIL, /readyz says not ready)',
      );
      return;
    }
    const all = [...lastGood.values()].flat();
    let changes = 0;
    const counts: Record<string, number> = {};
    for (const [kind, store] of core.stores) {
      const { namespaced, labelFiltered } = KINDS[kind];
      const selected = all
        .filter((o) => isOfKind(o, kind))
        .map((o) => (namespaced ? withNamespace(o, defaultNamespace) : o))
        .filter(
          (o) =>
            (!namespaced || options.namespace === '' || o.metadata.namespace === options.namespace) &&
            (!labelFiltered || matches(o.metadata.labels)),
        );
      const d = store.replace(selected);
      changes += d.added + d.updated + d.deleted;
      counts[kind] = store.size;
      metrics?.objects.set({ kind }, store.size);
    }
    metrics?.lists.inc({ kind: 'files', result: 'ok' });
    if (changes > 0 || !loaded) {
      loaded = true;
      logger.info({ files: files.length, ...counts }, 'manifests loaded');
      core.changed();
    }
  };
  // Reloads never overlap: a change during a reload queues one more.
  const queueReload = () => {
    reloading = reloading.then(reload);
    return reloading;
  };
  const onFsEvent = () => {
    if (reloadTimer) clearTimeout(reloadTimer);
    reloadTimer = setTimeout(queueReload, 50); // editors write a file in several steps
  };

  return {
    async start() {
      await queueReload();
      try {
        watcher = watch(options.dir, { recursive: true }, onFsEvent);
        watcher.on('error', (err) =>
          logger.warn({ err: describeError(err) }, 'folder watch failed; polling only'),
        );
      } catch (err) {
        logger.warn({ err: describeError(err) }, 'cannot watch the folder; polling only');
      }
      const pollMs = options.pollMs ?? 10_000;
      if (pollMs > 0) poll = setInterval(queueReload, pollMs);
    },
    async stop() {
      watcher?.close();
      if (poll) clearInterval(poll);
      if (reloadTimer) clearTimeout(reloadTimer);
      await reloading;
      core.cancel();
    },
    synced: live.synced,
    stalenessSeconds: live.stalenessSeconds,
    snapshot: core.snapshot,
    onChange: core.onChange,
  };
}

// Symlinks count: a ConfigMap mount is `name.yaml -> ..data/name.yaml`, with the real files in
// hidden folders that are skipped here.
async function listManifests(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => (e.isFile() || e.isSymbolicLink()) && /\.ya?ml$/.test(e.name))
    .map((e) => join(e.parentPath, e.name))
    .filter(
      (path) =>
        !relative(dir, path)
          .split('/')
          .some((part) => part.startsWith('.')),
    )
    .sort();
}

function withNamespace(o: KubeObject, ns: string): KubeObject {
  return o.metadata.namespace ? o : { ...o, metadata: { ...o.metadata, namespace: ns } };
}
