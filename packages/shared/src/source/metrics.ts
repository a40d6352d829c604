import { Counter, Gauge, type Registry } from 'prom-client';

/** Metrics of a Gateway API source, named `<prefix>_source_*` (prefix e.g. `horizon_dns`). */
export interface SourceMetrics {
  events: Counter<'kind' | 'type'>;
  lists: Counter<'kind' | 'result'>;
  restarts: Counter<'kind' | 'reason'>;
  listenerErrors: Counter;
  objects: Gauge<'kind'>;
}

/**
 * Defines the source's metrics on `registry`. `synced` and `staleness` are read at scrape time
 * from the source itself, so they are never out of date.
 */
export function createSourceMetrics(
  registry: Registry,
  prefix: string,
  live: { synced: () => boolean; stalenessSeconds: () => number },
): SourceMetrics {
  const registers = [registry];
  new Gauge({
    name: `${prefix}_source_synced`,
    help: '1 once every watched kind has been listed at least once.',
    registers,
    collect() {
      this.set(live.synced() ? 1 : 0);
    },
  });
  new Gauge({
    name: `${prefix}_source_staleness_seconds`,
    help: 'Seconds since the Gateway API objects were last known current (0 while watches are live; -1 before the first sync).',
    registers,
    collect() {
      const s = live.stalenessSeconds();
      this.set(Number.isFinite(s) ? s : -1);
    },
  });
  return {
    events: new Counter({
      name: `${prefix}_source_events_total`,
      help: 'Watch events received, by kind and event type.',
      labelNames: ['kind', 'type'],
      registers,
    }),
    lists: new Counter({
      name: `${prefix}_source_lists_total`,
      help: 'Full lists (initial, after 410 Gone, file reloads), by kind and result.',
      labelNames: ['kind', 'result'],
      registers,
    }),
    restarts: new Counter({
      name: `${prefix}_source_restarts_total`,
      help: 'Watch restarts, by kind and reason (closed, gone, stalled, error).',
      labelNames: ['kind', 'reason'],
      registers,
    }),
    listenerErrors: new Counter({
      name: `${prefix}_source_listener_errors_total`,
      help: 'Change listeners that threw (a bug; the listener was skipped).',
      registers,
    }),
    objects: new Gauge({
      name: `${prefix}_source_objects`,
      help: 'Objects held, by kind.',
      labelNames: ['kind'],
      registers,
    }),
  };
}
