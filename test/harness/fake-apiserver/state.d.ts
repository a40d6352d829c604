import { type KubeObject } from '@horizon/shared';
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
export declare class GoneError extends Error {
  readonly code = 410;
}
/**
 * The objects, the global resourceVersion counter and the event history of a fake API server.
 * resourceVersions are one counter across kinds, as etcd's revision is; compaction drops history
 * so that a watch or a continue token from before it gets 410 Gone.
 */
export declare class ApiState {
  rv: number;
  compactedRv: number;
  readonly history: HistoryEvent[];
  private readonly objects;
  private readonly listSnapshots;
  private listeners;
  subscribe(listener: (e: HistoryEvent) => void): () => void;
  private kind;
  private record;
  /** Creates or replaces an object (ADDED or MODIFIED), stamping a new resourceVersion. */
  apply(plural: string, input: KubeObject): KubeObject;
  /** Deletes an object (DELETED carries the last state with a new resourceVersion). */
  remove(plural: string, namespace: string, name: string): boolean;
  /** Forgets history up to now: older resourceVersions and continue tokens get 410. */
  compact(): void;
  matcher(filter: Filter): (o: KubeObject | undefined) => boolean;
  /** A page of a list. The first page snapshots the objects; later pages read that snapshot. */
  list(
    plural: string,
    filter: Filter,
    limit: number,
    token: string,
  ): {
    rv: number;
    items: KubeObject[];
    continueToken: string;
    remaining: number;
  };
  /** Current objects of a kind (for watches from resourceVersion "0" or ""). */
  current(plural: string, filter: Filter): KubeObject[];
  /** History after `rv` for a kind, or GoneError when `rv` predates compaction. */
  since(plural: string, rv: number): HistoryEvent[];
}
