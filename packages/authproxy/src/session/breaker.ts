import { Gauge, type Registry } from 'prom-client';
import { authError } from '../errors.ts';

export interface BreakerOptions {
  /** Failures in a row that open the breaker. Default 3. */
  failures?: number;
  /** How long it stays open before one call may try again, ms. Default 2000. */
  openMs?: number;
  /** Milliseconds clock. Default: performance.now. */
  now?: () => number;
}

/** Runs store calls; while the store keeps failing, fails them at once instead. */
export interface Breaker {
  run<T>(call: () => Promise<T>): Promise<T>;
  /** False while calls fail at once. */
  available(): boolean;
}

/**
 * A circuit breaker for the session store. Every call is already bounded by the store's own
 * timeout; after `failures` in a row the breaker opens and calls throw E_SESSION_STORE without
 * waiting, so a hung Redis costs the checks nothing. After `openMs` one call goes through (the
 * next check, no timer of its own): success closes it, failure opens it again. Recovery needs no
 * one: the first check after Redis is back closes it.
 */
export function createBreaker(options: BreakerOptions = {}): Breaker {
  const limit = options.failures ?? 3;
  const openMs = options.openMs ?? 2000;
  const now = options.now ?? (() => performance.now());
  let failed = 0;
  let openUntil = 0;
  let probing = false;

  return {
    async run(call) {
      const open = failed >= limit;
      if (open && (probing || now() < openUntil))
        throw authError('E_SESSION_STORE', 'the session store is failing: not asked again yet');
      if (open) probing = true;
      try {
        const out = await call();
        failed = 0;
        return out;
      } catch (err) {
        failed += 1;
        if (failed >= limit) openUntil = now() + openMs;
        throw err;
      } finally {
        if (open) probing = false;
      }
    },
    available: () => failed < limit || (!probing && now() >= openUntil),
  };
}

/** `horizon_authproxy_session_store_up`: 1 while store calls go through, 0 while the breaker fails them at once. */
export function storeUpGauge(registry: Registry, available: () => boolean): void {
  new Gauge({
    name: 'horizon_authproxy_session_store_up',
    help: 'Whether the session store (Redis) is used: 0 while checks fail at once after store failures.',
    registers: [registry],
    collect() {
      this.set(available() ? 1 : 0);
    },
  });
}
