import { hasCode, type Logger } from '@horizon/shared';
import type { LogLimiter } from '../log-limit.ts';
import type { SessionRecords, StoredSession } from './redis-records.ts';
import type { Revalidate } from './types.ts';

export interface RevalidationOptions {
  records: SessionRecords;
  revalidate: Revalidate;
  revalidateSeconds: number;
  logger: Logger;
  logs: LogLimiter;
}

/** Re-validations running at once; past it a due session waits for a later request. */
const MAX_REVALIDATIONS = 64;

/** Re-validations of Redis sessions at the provider, behind the requests that find them due. */
export interface Revalidation {
  /** Starts the session's re-validation when it is due and none is running; never waits for it. */
  startIfDue(record: StoredSession, now: number): void;
  /** Resolves once the running re-validations have ended. */
  settled(): Promise<void>;
}

/**
 * Uses a session's refresh token every `revalidateSeconds`, once across replicas (a lock in Redis:
 * Pocket-ID revokes the whole chain when an old refresh token is reused), re-reading the record
 * under the lock in case another replica rotated it a moment ago. A provider refusing the token
 * ends the session; one that cannot be asked leaves it as it is, for a later request to try again.
 */
export function createRevalidation(o: RevalidationOptions): Revalidation {
  const { records } = o;
  const inFlight = new Map<string, Promise<void>>();
  const due = (r: StoredSession | undefined, now: number): r is StoredSession & { refreshToken: string } =>
    r?.refreshToken !== undefined && now - r.validatedAt >= o.revalidateSeconds;

  const refresh = async (fresh: StoredSession & { refreshToken: string }, now: number) => {
    const { sid } = fresh.session;
    try {
      const out = await o.revalidate(fresh.refreshToken);
      const session = { ...fresh.session, ...out.identity, idToken: out.idToken ?? fresh.session.idToken };
      await records.replace(sid, {
        session,
        refreshToken: out.refreshToken ?? fresh.refreshToken,
        validatedAt: now,
      });
    } catch (err) {
      if (!hasCode(err, 'E_PROVIDER_REJECTED')) throw err;
      o.logger.info(
        { sid: sid.slice(0, 8), sub: fresh.session.sub },
        'session ended: provider refused re-validation',
      );
      await records.remove(sid, 'end the session');
    }
  };

  const revalidate = async (sid: string, now: number): Promise<void> => {
    if (!(await records.lock(sid))) return; // another replica is on it
    try {
      const fresh = await records.load(sid);
      if (due(fresh, now)) await refresh(fresh, now);
    } finally {
      await records.unlock(sid).catch(() => undefined); // expires by itself anyway
    }
  };

  return {
    startIfDue(record, now) {
      const { sid } = record.session;
      if (!due(record, now) || inFlight.has(sid) || inFlight.size >= MAX_REVALIDATIONS) return;
      const job = revalidate(sid, now)
        .catch((err) =>
          o.logs.warn(o.logger, 'session-revalidate', { err }, 'session re-validation failed; session kept'),
        )
        .finally(() => inFlight.delete(sid));
      inFlight.set(sid, job);
    },
    settled: async () => {
      await Promise.allSettled(inFlight.values());
    },
  };
}
