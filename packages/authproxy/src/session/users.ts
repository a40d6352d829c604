import { hasCode, type Logger } from '@horizon/shared';
import type { LogLimiter } from '../log-limit.ts';
import type { Identity, ProviderTokens, Revalidate } from './types.ts';
import type { UserRecord, UserRecords } from './user-records.ts';

export interface UsersOptions {
  records: UserRecords;
  revalidate: Revalidate;
  revalidateSeconds: number;
  /** Longest wait for another replica's re-validation of the same user, ms. */
  waitMs: number;
  /** Ends what the user has when the provider refuses them (their sessions; app passwords check `refused`). */
  onRefused(sub: string): Promise<void>;
  logger: Logger;
  logs: LogLimiter;
  /** Waits `ms` (tests pass their clock's). Default: a timer. */
  delay?: (ms: number) => Promise<void>;
}

/** Re-validations running at once; past it a due user waits for a later request (or is answered as they were). */
export const MAX_REVALIDATIONS = 64;
/** An access token this close to its expiry is refreshed before an app gets it, seconds. */
export const TOKEN_MARGIN_SECONDS = 60;

/** The users of a server-side store: who they are now, at most `revalidateSeconds` ago. */
export interface Users {
  /** A sign-in: its identity and tokens become the user's (a new chain, `refused` cleared). */
  signedIn(identity: Identity, tokens: ProviderTokens, now: number): Promise<void>;
  /** Starts the user's re-validation when due and none is running; never waits for it (a session's request). */
  startIfDue(record: UserRecord, now: number): void;
  /**
   * The user as the provider confirmed them within `revalidateSeconds`: a due re-validation is
   * waited for (an app password, an IdP token). A provider that cannot be asked leaves the record
   * as it is; undefined for a user without a record.
   */
  current(sub: string, now: number): Promise<UserRecord | undefined>;
  /** The user with an access token good for TOKEN_MARGIN_SECONDS more, refreshed (once across replicas) when not. */
  withFreshToken(sub: string, now: number): Promise<UserRecord | undefined>;
  /** True when a record's chain is due at the provider. */
  due(record: UserRecord, now: number): boolean;
  settled(): Promise<void>;
}

const freshToken = (r: UserRecord, now: number) =>
  r.accessToken !== undefined &&
  (r.accessExpiresAt === undefined || r.accessExpiresAt > now + TOKEN_MARGIN_SECONDS);

/**
 * Re-validation per user (not per session): one refresh token chain per user, used once across
 * replicas (a lock in Redis; Pocket-ID revokes the chain when a used token comes back) and once
 * per process (a map of running ones), the record re-read under the lock in case another replica
 * rotated it a moment ago. A provider refusing the chain marks the user `refused` and ends their
 * sessions; one that cannot be asked leaves everything as it is, for a later request to try again.
 */
export function createUsers(o: UsersOptions): Users {
  const { records } = o;
  const delay = o.delay ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref()));
  const running = new Map<string, Promise<UserRecord | undefined>>();
  const due = (r: UserRecord, now: number) =>
    !r.refused && r.refreshToken !== undefined && now - r.validatedAt >= o.revalidateSeconds;
  /** What `forToken` or a re-validation wants of the record to be done. */
  const done = (r: UserRecord | undefined, now: number, forToken: boolean) =>
    !r || r.refused || r.refreshToken === undefined || (forToken ? freshToken(r, now) : !due(r, now));

  const refresh = async (sub: string, fresh: UserRecord & { refreshToken: string }, now: number) => {
    try {
      const out = await o.revalidate(fresh.refreshToken);
      const next: UserRecord = {
        identity: out.identity,
        validatedAt: now,
        refreshToken: out.refreshToken ?? fresh.refreshToken,
        ...tokensOf(out, now, fresh),
      };
      return (await records.replace(sub, next)) ? next : undefined;
    } catch (err) {
      if (!hasCode(err, 'E_PROVIDER_REJECTED')) throw err;
      o.logger.info({ sub }, 'user refused by the provider: their sessions end, their app passwords stop');
      const refused: UserRecord = { identity: fresh.identity, validatedAt: now, refused: true };
      await records.replace(sub, refused);
      await o.onRefused(sub);
      return refused;
    }
  };

  /** Another replica holds the lock: its result, read back until done or `waitMs` passes. */
  const waitForOther = async (sub: string, now: number, forToken: boolean) => {
    let record = await records.load(sub);
    for (let waited = 0; !done(record, now, forToken) && waited < o.waitMs; waited += 50) {
      await delay(50);
      record = await records.load(sub);
    }
    return record;
  };

  const revalidate = async (sub: string, now: number, forToken: boolean): Promise<UserRecord | undefined> => {
    if (!(await records.lock(sub))) return waitForOther(sub, now, forToken);
    try {
      const fresh = await records.load(sub);
      if (done(fresh, now, forToken)) return fresh;
      return await refresh(sub, fresh as UserRecord & { refreshToken: string }, now);
    } finally {
      await records.unlock(sub).catch(() => undefined); // expires by itself anyway
    }
  };

  /** One re-validation per user in this process; undefined when MAX_REVALIDATIONS are running. */
  const once = (sub: string, now: number, forToken: boolean) => {
    const known = running.get(sub);
    if (known || running.size >= MAX_REVALIDATIONS) return known;
    const job = revalidate(sub, now, forToken).finally(() => running.delete(sub));
    running.set(sub, job);
    return job;
  };

  /** Waits for a re-validation; the provider unreachable (or too many running): the record as it was. */
  const settle = async (record: UserRecord, sub: string, now: number, forToken: boolean) => {
    const job = once(sub, now, forToken);
    if (!job) return record;
    try {
      return await job;
    } catch (err) {
      o.logs.warn(
        o.logger,
        'user-revalidate',
        { err },
        'user re-validation failed; the user is kept as they were',
      );
      return record;
    }
  };

  const current = async (sub: string, now: number) => {
    const record = await records.load(sub);
    return record && due(record, now) ? settle(record, sub, now, false) : record;
  };

  return {
    async signedIn(identity, tokens, now) {
      const record: UserRecord = { identity, validatedAt: now, ...tokensOf(tokens, now) };
      if (tokens.refreshToken) record.refreshToken = tokens.refreshToken;
      await records.save(identity.sub, record);
    },
    startIfDue(record, now) {
      if (!due(record, now)) return;
      once(record.identity.sub, now, false)?.catch((err) =>
        o.logs.warn(
          o.logger,
          'user-revalidate',
          { err },
          'user re-validation failed; the user is kept as they were',
        ),
      );
    },
    current,
    async withFreshToken(sub, now) {
      const record = await current(sub, now);
      return record && !done(record, now, true) ? settle(record, sub, now, true) : record;
    },
    due,
    settled: async () => {
      await Promise.allSettled(running.values());
    },
  };
}

/** The access and ID tokens of a sign-in or refresh, kept; a refresh without a new one keeps the previous. */
function tokensOf(t: ProviderTokens, now: number, previous?: UserRecord): Partial<UserRecord> {
  const out: Partial<UserRecord> = {};
  const idToken = t.idToken ?? previous?.idToken;
  if (idToken) out.idToken = idToken;
  if (t.accessToken) {
    out.accessToken = t.accessToken;
    if (t.accessExpiresIn !== undefined) out.accessExpiresAt = now + t.accessExpiresIn;
  }
  return out;
}
