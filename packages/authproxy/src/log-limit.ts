import type { Logger } from '@horizon/shared';

export interface LogLimitOptions {
  /** Lines per cause and window. Default 5. */
  lines?: number;
  /** Window length, ms. Default 60 s. */
  windowMs?: number;
  /** Causes tracked at once; past it the oldest window is forgotten. Default 64. */
  causes?: number;
  /** Milliseconds clock. Default: performance.now. */
  now?: () => number;
}

/**
 * Log lines a client can cause (an untrusted proxy, a spoofed header, a store outage), limited
 * per cause: at most `lines` per window, then silence, then one line saying how many were
 * dropped. Causes are the service's own fixed strings, never client values (90,000 untrusted
 * addresses once meant 90,000 "warn once" entries and 16 MB of log); the map of causes is
 * bounded anyway.
 */
export interface LogLimiter {
  warn(logger: Logger, cause: string, fields: object, message: string): void;
  error(logger: Logger, cause: string, fields: object, message: string): void;
}

interface Window {
  start: number;
  count: number;
}

export function createLogLimiter(options: LogLimitOptions = {}): LogLimiter {
  const lines = options.lines ?? 5;
  const windowMs = options.windowMs ?? 60_000;
  const maxCauses = options.causes ?? 64;
  const now = options.now ?? (() => performance.now());
  const windows = new Map<string, Window>();

  const log =
    (level: 'warn' | 'error') => (logger: Logger, cause: string, fields: object, message: string) => {
      const t = now();
      let w = windows.get(cause);
      if (w && t - w.start >= windowMs) {
        const dropped = w.count - lines;
        if (dropped > 0)
          logger[level]({ cause, dropped }, `${dropped} more lines like "${message}" were dropped`);
        windows.delete(cause);
        w = undefined;
      }
      if (!w) {
        if (windows.size >= maxCauses) windows.delete(windows.keys().next().value as string);
        w = { start: t, count: 0 };
        windows.set(cause, w);
      }
      w.count += 1;
      if (w.count <= lines) logger[level]({ ...fields, cause }, message);
    };
  return { warn: log('warn'), error: log('error') };
}
