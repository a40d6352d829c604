import { randomUUID } from 'node:crypto';
import { type KubeObject, keyOf, parseLabelSelector } from '@horizon/shared';

/** One change in the API's history, as etcd keeps it until compaction. */
export interface HistoryEvent {
  rv: number;
  plural: string;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: KubeObject;
  /** The object before this change (for selector transitions). */
  previous: KubeObject | undefined;
}

export interface Filter {
  namespace: string;
  labelSelector: string;
}

export class GoneError extends Error {
  readonly code = 410;
}

/**
 * The objects, the global resourceVersion counter and the event history of a fake API server.
 * resourceVersions are one counter across kinds, as etcd's revision is; compaction drops history
 * so that a watch or a continue token from before it gets 410 Gone.
 */
export class ApiState {
  rv = 1;
  compactedRv = 0;
  readonly history: HistoryEvent[] = [];
  private readonly objects = new Map<string, Map<string, KubeObject>>();
  private readonly listSnapshots = new Map<string, { rv: number; items: KubeObject[] }>();
  private listeners = new Set<(e: HistoryEvent) => void>();

  subscribe(listener: (e: HistoryEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private kind(plural: string): Map<string, KubeObject> {
    const found = this.objects.get(plural);
    if (found) return found;
    const created = new Map<string, KubeObject>();
    this.objects.set(plural, created);
    return created;
  }

  private record(plural: string, type: HistoryEvent['type'], object: KubeObject, previous?: KubeObject) {
    const event = { rv: this.rv, plural, type, object, previous };
    this.history.push(event);
    for (const l of this.listeners) l(event);
    return object;
  }

  /** Creates or replaces an object (ADDED or MODIFIED), stamping a new resourceVersion. */
  apply(plural: string, input: KubeObject): KubeObject {
    const store = this.kind(plural);
    const meta = { namespace: 'default', ...input.metadata };
    const key = `${meta.namespace}/${meta.name}`;
    const previous = store.get(key);
    this.rv += 1;
    const object = structuredClone({
      ...input,
      metadata: {
        ...meta,
        uid: previous?.metadata.uid ?? randomUUID(),
        generation: (previous?.metadata.generation ?? 0) + 1,
        resourceVersion: String(this.rv),
      },
    });
    store.set(key, object);
    return this.record(plural, previous ? 'MODIFIED' : 'ADDED', object, previous);
  }

  /** Deletes an object (DELETED carries the last state with a new resourceVersion). */
  remove(plural: string, namespace: string, name: string): boolean {
    const store = this.kind(plural);
    const previous = store.get(`${namespace}/${name}`);
    if (!previous) return false;
    store.delete(`${namespace}/${name}`);
    this.rv += 1;
    const object = { ...previous, metadata: { ...previous.metadata, resourceVersion: String(this.rv) } };
    this.record(plural, 'DELETED', object, previous);
    return true;
  }

  /** Forgets history up to now: older resourceVersions and continue tokens get 410. */
  compact(): void {
    this.compactedRv = this.rv;
    this.history.length = 0;
    this.listSnapshots.clear();
  }

  matcher(filter: Filter): (o: KubeObject | undefined) => boolean {
    const labels = parseLabelSelector(filter.labelSelector);
    return (o) =>
      o !== undefined &&
      (filter.namespace === '' || o.metadata.namespace === filter.namespace) &&
      labels(o.metadata.labels);
  }

  /** A page of a list. The first page snapshots the objects; later pages read that snapshot. */
  list(plural: string, filter: Filter, limit: number, token: string) {
    let snap: { rv: number; items: KubeObject[] };
    let start = 0;
    if (token) {
      const [id, offset] = Buffer.from(token, 'base64url').toString().split(':');
      const found = this.listSnapshots.get(id ?? '');
      if (!found) throw new GoneError('The provided continue parameter is too old');
      snap = found;
      start = Number(offset);
    } else {
      const match = this.matcher(filter);
      const items = [...this.kind(plural).values()]
        .filter(match)
        .sort((a, b) => keyOf(a).localeCompare(keyOf(b)));
      snap = { rv: this.rv, items };
    }
    const end = limit > 0 ? Math.min(start + limit, snap.items.length) : snap.items.length;
    let next = '';
    if (end < snap.items.length) {
      const id = randomUUID();
      this.listSnapshots.set(id, snap);
      next = Buffer.from(`${id}:${end}`).toString('base64url');
    }
    return {
      rv: snap.rv,
      items: snap.items.slice(start, end),
      continueToken: next,
      remaining: snap.items.length - end,
    };
  }

  /** Current objects of a kind (for watches from resourceVersion "0" or ""). */
  current(plural: string, filter: Filter): KubeObject[] {
    return [...this.kind(plural).values()].filter(this.matcher(filter));
  }

  /** History after `rv` for a kind, or GoneError when `rv` predates compaction. */
  since(plural: string, rv: number): HistoryEvent[] {
    if (rv < this.compactedRv) throw new GoneError(`too old resource version: ${rv} (${this.compactedRv})`);
    return this.history.filter((e) => e.plural === plural && e.rv > rv);
  }
}
