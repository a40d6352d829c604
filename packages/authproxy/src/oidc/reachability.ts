import type { Clock } from '@horizon/shared';
import type { Fetch } from './discovery.ts';

export interface ReachabilityOptions {
  /** The provider's issuer URL: its discovery document is what is asked for. */
  issuer: string;
  /** Longest wait for an answer, ms (at most 2 s: a login waits on it). */
  timeoutMs: number;
  fetch: Fetch;
  clock: Clock;
}

/** How long an answer is remembered, ms: a provider that answered is asked again sooner than one that did not. */
const REMEMBER_UP_MS = 1000;
const REMEMBER_DOWN_MS = 5000;

/**
 * Whether the provider answers now. A login sends the browser to the provider; when the provider
 * is down the user would see a connection error there, so the service asks first (its discovery
 * document, cheaply, the answer remembered) and shows a clear page instead.
 */
export function createReachability(o: ReachabilityOptions): () => Promise<boolean> {
  const url = new URL(`${o.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`);
  const timeoutMs = Math.min(o.timeoutMs, 2000);
  let last: { ok: boolean; at: number } | undefined;
  return async () => {
    if (last && o.clock.now() - last.at < (last.ok ? REMEMBER_UP_MS : REMEMBER_DOWN_MS)) return last.ok;
    const ok = await o
      .fetch(url, { signal: AbortSignal.timeout(timeoutMs) })
      .then(async (res) => {
        await res.body?.cancel();
        return res.ok;
      })
      .catch(() => false);
    last = { ok, at: o.clock.now() };
    return ok;
  };
}
