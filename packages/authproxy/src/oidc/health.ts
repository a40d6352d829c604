import type { Clock, Registry } from '@horizon/shared';
import { Gauge } from 'prom-client';

/** What the service last learned of the provider: whether it answered, and when. */
export interface ProviderHealth {
  /** Undefined until the first answer (or its absence) is known. */
  last(): { up: boolean; at: number } | undefined;
  /** Records an answer (a probe, or a login's own reachability check). */
  note(up: boolean): void;
  /** Stops the probe. */
  close(): void;
}

/**
 * The provider's health for the ops side (`horizon_authproxy_provider_up`, the status page), kept
 * by a probe every `intervalMs` (its discovery document, through the same remembered
 * reachability check a login uses) and by every answer the service sees anyway. Without the
 * probe a provider that died between logins would look up until someone tried to sign in.
 */
export function createProviderHealth(o: {
  reachable: () => Promise<boolean>;
  clock: Clock;
  registry: Registry;
  intervalMs?: number;
}): ProviderHealth {
  let state: { up: boolean; at: number } | undefined;
  const stop = new AbortController();
  new Gauge({
    name: 'horizon_authproxy_provider_up',
    help: '1 while the OpenID Provider answers (its discovery document), 0 when it does not; probed every 30 s.',
    registers: [o.registry],
    collect() {
      this.set(state?.up ? 1 : 0);
    },
  });
  const note = (up: boolean) => {
    state = { up, at: o.clock.now() };
  };
  void (async () => {
    while (!stop.signal.aborted) {
      note(await o.reachable());
      await o.clock.delay(o.intervalMs ?? 30_000, stop.signal);
    }
  })();
  return { last: () => state, note, close: () => stop.abort() };
}
