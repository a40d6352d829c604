import type { Logger, Registry } from '@horizon/shared';
import { Gauge } from 'prom-client';
import type { LogLimiter } from '../log-limit.ts';
import type { RedisClient } from './redis-client.ts';

/** What a replica must forget: a session, everything of a user, one app password. */
export type Invalidated =
  | { kind: 'session'; id: string }
  | { kind: 'user'; id: string }
  | { kind: 'app-password'; id: string };

/** What every replica is told, so that what it holds in memory never outlives a revocation. */
export interface Invalidation {
  /** Forgets at once here, then tells every other replica (before the caller answers anyone). */
  publish(what: Invalidated): Promise<void>;
  /** Called for each message, and with `everything` when the subscription comes back (messages may have been missed). */
  on(listener: (what: Invalidated | 'everything') => void): void;
  /** False while the subscription is down: nothing in memory may be trusted then. */
  listening(): boolean;
  close(): void;
}

/**
 * `horizon_authproxy_revocations_listening`: 1 while this replica hears revocations; 0 while it
 * does not, when every check asks Redis (slower, never wrong) and an alert is due if it lasts.
 */
export function listeningGauge(registry: Registry, invalidation: Pick<Invalidation, 'listening'>): void {
  new Gauge({
    name: 'horizon_authproxy_revocations_listening',
    help: 'Whether this replica hears revocations (Redis pub/sub): 0 while it does not, and trusts nothing from memory.',
    registers: [registry],
    collect() {
      this.set(invalidation.listening() ? 1 : 0);
    },
  });
}

const PREFIXES: Record<string, Invalidated['kind']> = { s: 'session', u: 'user', p: 'app-password' };
const CODE: Record<Invalidated['kind'], string> = { session: 's', user: 'u', 'app-password': 'p' };

/**
 * Revocations reach every replica through Redis's pub/sub (one channel per installation): the
 * replica that revokes deletes the record, publishes, and forgets at once itself; every other one
 * forgets when the message arrives, which is before any later request reaches it over the same
 * network. A replica whose subscription is down trusts nothing from memory (every check asks
 * Redis), and forgets everything when it is back, since messages may have been missed meanwhile.
 */
export function createInvalidation(
  client: RedisClient,
  prefix: string,
  o: { logger: Logger; logs: LogLimiter },
): Invalidation {
  const channel = `${prefix}invalidate`;
  const listeners: ((what: Invalidated | 'everything') => void)[] = [];
  const emit = (what: Invalidated | 'everything') => {
    for (const l of listeners) l(what);
  };
  let subscribed = false;
  const subscriber = client.redis.duplicate({ autoResubscribe: false, commandTimeout: undefined });
  subscriber.on('error', (err) =>
    o.logs.warn(o.logger, 'invalidation', { err }, 'invalidation subscription error'),
  );
  subscriber.on('close', () => {
    subscribed = false;
  });
  subscriber.on('ready', () => {
    subscriber.subscribe(channel).then(
      () => {
        subscribed = true;
        emit('everything');
      },
      (err: unknown) => o.logs.warn(o.logger, 'invalidation', { err }, 'cannot subscribe to revocations'),
    );
  });
  subscriber.on('message', (from: string, message: string) => {
    const kind = from === channel ? PREFIXES[message.slice(0, 1)] : undefined;
    if (kind && message[1] === ':') emit({ kind, id: message.slice(2) });
  });
  return {
    async publish(what) {
      emit(what);
      await client.call('publish a revocation', (r) => r.publish(channel, `${CODE[what.kind]}:${what.id}`));
    },
    on: (listener) => void listeners.push(listener),
    listening: () => subscribed,
    close: () => subscriber.disconnect(),
  };
}
