/**
 * A value now, or later. The check answers a known session without a single promise turn (it
 * sits in front of every request); only steps that do I/O (Redis, the provider, signing) return
 * promises, and `andThen` chains either kind without forcing the first into the second.
 */
export type MaybePromise<T> = T | Promise<T>;

export function andThen<T, U>(value: MaybePromise<T>, next: (v: T) => MaybePromise<U>): MaybePromise<U> {
  return value instanceof Promise ? value.then(next) : next(value);
}
