import { type Clock, systemClock } from '../clock.ts';

/** Options of {@link createHistory}. */
export interface HistoryOptions {
  /** Time between samples. Default 10 s. */
  stepMs?: number;
  /** Samples kept per series: with the defaults, the last hour. Default 360. */
  points?: number;
  clock?: Clock;
}

/** One series: what it reads, and how a reading becomes a point. */
export interface SeriesSpec {
  /**
   * The current value: a counter's total (points are per-second rates) or a gauge's value. It may
   * be a promise: prom-client's metrics are read that way (metricTotal).
   */
  read: () => number | Promise<number>;
  kind: 'counter' | 'gauge';
}

export interface History {
  /** Adds a series; its first point comes one step later (a counter needs two readings). */
  track(name: string, spec: SeriesSpec): void;
  /** Oldest first, at most `points` values: per-second rates for counters, values for gauges. */
  points(name: string): readonly number[];
  names(): string[];
  stepMs: number;
  /** Samples every step until `signal` aborts (the service aborts it on shutdown). */
  run(signal: AbortSignal): Promise<void>;
  /** Takes one sample now (what `run` does every step; tests call it directly). */
  sample(): Promise<void>;
}

/**
 * A small in-memory history of a service's own counters and gauges, for its status page's graphs:
 * read on a timer, never on a request's path, and bounded (a ring of `points` numbers per series,
 * series fixed at start). Not a time-series database: it forgets on restart, Prometheus keeps the rest.
 */
export function createHistory(options: HistoryOptions = {}): History {
  const stepMs = options.stepMs ?? 10_000;
  const max = options.points ?? 360;
  const clock = options.clock ?? systemClock;
  const series = new Map<string, { spec: SeriesSpec; last?: number; lastAt?: number; ring: number[] }>();
  const sample = async () => {
    const at = clock.now();
    const values = await Promise.all([...series.values()].map((s) => s.spec.read()));
    let i = 0;
    for (const s of series.values()) {
      const value = values[i++] ?? 0;
      if (s.spec.kind === 'gauge') s.ring.push(value);
      else if (s.last !== undefined && s.lastAt !== undefined && at > s.lastAt) {
        // A counter that went down was reset (a restart of what it counts): no negative rate.
        s.ring.push(Math.max(0, value - s.last) / ((at - s.lastAt) / 1000));
      }
      s.last = value;
      s.lastAt = at;
      if (s.ring.length > max) s.ring.splice(0, s.ring.length - max);
    }
  };
  return {
    stepMs,
    track(name, spec) {
      if (series.has(name)) throw new Error(`history series "${name}" tracked twice`);
      series.set(name, { spec, ring: [] });
    },
    points: (name) => series.get(name)?.ring ?? [],
    names: () => [...series.keys()],
    sample,
    async run(signal) {
      await sample();
      while (!signal.aborted) {
        await clock.delay(stepMs, signal);
        if (!signal.aborted) await sample();
      }
    },
  };
}
