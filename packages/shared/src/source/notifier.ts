import type { Logger } from '../log.ts';

/** Options of {@link createNotifier}. */
export interface NotifierOptions<T> {
  /** Quiet time after the last change before listeners run. */
  debounceMs: number;
  /** Upper bound on the delay under a continuous stream of changes. Default 4x debounceMs. */
  maxWaitMs?: number;
  /** Builds the value listeners receive, once per notification. */
  produce: () => T;
  logger: Logger;
  /** Counts listener failures. */
  onListenerError?: (err: unknown) => void;
}

export interface Notifier<T> {
  subscribe(listener: (value: T) => void): () => void;
  /** Records a change; listeners run once the burst is over. */
  schedule(): void;
  /** Cancels a pending notification (on stop). */
  cancel(): void;
}

/**
 * Debounced change notification with a bounded wait: a burst of 10,000 watch events gives one
 * rebuild, and a steady trickle still rebuilds every `maxWaitMs`. Listener exceptions are caught
 * here, so one faulty listener can neither skip the others nor crash the process.
 */
export function createNotifier<T>(options: NotifierOptions<T>): Notifier<T> {
  const listeners = new Set<(value: T) => void>();
  const maxWaitMs = options.maxWaitMs ?? Math.max(options.debounceMs * 4, 1);
  let timer: NodeJS.Timeout | undefined;
  let firstPendingAt = 0;

  const fire = () => {
    timer = undefined;
    firstPendingAt = 0;
    if (listeners.size === 0) return;
    const value = options.produce();
    for (const listener of listeners) {
      try {
        listener(value);
      } catch (err) {
        options.logger.error({ err }, 'change listener threw; it was skipped');
        options.onListenerError?.(err);
      }
    }
  };

  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    schedule() {
      const now = performance.now();
      if (firstPendingAt === 0) firstPendingAt = now;
      if (timer) clearTimeout(timer);
      const wait = Math.max(0, Math.min(options.debounceMs, firstPendingAt + maxWaitMs - now));
      timer = setTimeout(fire, wait);
    },
    cancel() {
      if (timer) clearTimeout(timer);
      timer = undefined;
      firstPendingAt = 0;
    },
  };
}
