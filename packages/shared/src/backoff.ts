/** Options of {@link createBackoff}. */
export interface BackoffOptions {
  /** First delay, in milliseconds. Default 500. */
  initialMs?: number;
  /** Largest delay, in milliseconds. Default 30,000. */
  maxMs?: number;
  /** Growth factor per failure. Default 2. */
  factor?: number;
  /** Source of randomness in [0, 1); tests pass a fixed one. Default Math.random. */
  random?: () => number;
}

/** An exponential backoff with "equal jitter": delay = cap/2 + random(0, cap/2). */
export interface Backoff {
  /** The delay before the next attempt; grows with each call until {@link reset}. */
  next(): number;
  /** Back to the first delay, after a success. */
  reset(): void;
  /** Failures since the last reset. */
  readonly attempts: number;
}

export function createBackoff(options: BackoffOptions = {}): Backoff {
  const initialMs = options.initialMs ?? 500;
  const maxMs = options.maxMs ?? 30_000;
  const factor = options.factor ?? 2;
  const random = options.random ?? Math.random;
  if (!(initialMs > 0 && maxMs >= initialMs && factor >= 1)) {
    throw new RangeError('backoff: need 0 < initialMs <= maxMs and factor >= 1');
  }
  let attempts = 0;
  return {
    next() {
      const cap = Math.min(maxMs, initialMs * factor ** attempts);
      attempts += 1;
      // Never zero: half the cap is guaranteed, so a flapping server cannot make us spin.
      return Math.round(cap / 2 + random() * (cap / 2));
    },
    reset() {
      attempts = 0;
    },
    get attempts() {
      return attempts;
    },
  };
}
