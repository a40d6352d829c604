import type { Invalidation } from '../session/invalidation.ts';
import { createRecent } from '../session/recent.ts';
import type { Identity } from '../session/types.ts';
import type { Users } from '../session/users.ts';
import type { Limiter, Spent } from './limiter.ts';
import type { AppPassword, AppPasswordRecords } from './records.ts';
import { hashOf, matches, type Presented } from './token.ts';

/** What checking an app password gives: its owner as they are now, or why not. */
export type Verified =
  | { password: AppPassword; identity: Identity }
  | { refused: 'invalid' | 'disabled' }
  | { refused: 'limited'; spent: Spent };

export interface VerifierOptions {
  records: AppPasswordRecords;
  users: Users;
  limiter: Limiter;
  invalidation: Invalidation;
  /** How long a verified password is trusted from memory (`session.cacheSeconds`); revocations end it at once. */
  cacheSeconds: number;
  /** Verified passwords kept in memory (`session.cacheSize`). */
  size: number;
  /** `session.revalidateSeconds`: an owner not confirmed for longer, with no chain to do it, is refused. */
  revalidateSeconds: number;
}

interface Entry {
  /** The Authorization header it was verified from: a hit compares it whole. */
  header: string;
  verified: { password: AppPassword; identity: Identity };
  until: number;
  /** When `lastUsed` was last written from here. */
  touched: number;
}

/** `lastUsed` is written at most this often per password and replica. */
const TOUCH_SECONDS = 60;

const expired = (p: AppPassword, now: number) => p.expiresAt !== undefined && now >= p.expiresAt;

/**
 * Checks app passwords. A password verified in the last `cacheSeconds` is answered from memory
 * (a map lookup by the whole Authorization header: no Redis, no hash, no promise); a revocation
 * anywhere (invalidation.ts) drops it at once, and while revocations cannot be heard nothing is
 * answered from memory. Otherwise: the failure budgets (limiter.ts), the record by the
 * password's id, the secret against its hash, the Basic user name against the owner, then the
 * owner as the provider confirmed them within `session.revalidateSeconds` (users.ts: a due
 * re-validation is waited for), refused when the provider refused them, or when they have no
 * chain to confirm them with and the last confirmation is older than that.
 */
export function createAppPasswordVerifier(o: VerifierOptions) {
  const cache = createRecent<string, Entry>(o.size);
  const drop = (match: (p: AppPassword) => boolean) => {
    for (const [key, e] of cache.entries()) if (match(e.verified.password)) cache.delete(key);
  };
  o.invalidation.on((what) => {
    if (what === 'everything') drop(() => true);
    else if (what.kind === 'app-password') drop((p) => p.id === what.id);
    else if (what.kind === 'user') drop((p) => p.sub === what.id);
  });

  /** The Basic user name, when one came, must name the owner: their user name, `sub` or email. */
  const names = (identity: Identity, user: string | undefined) =>
    user === undefined || user === identity.user || user === identity.sub || user === identity.email;

  const lookUp = async (header: string, given: Presented, client: string, now: number): Promise<Verified> => {
    const spent =
      o.limiter.known(client, given.user, now) ?? (await o.limiter.check(client, given.user, now));
    if (spent) return { refused: 'limited', spent };
    const password = await o.records.load(given.id);
    // A Bearer attempt names no user: the owner of the password it names is the one tried.
    const user = given.user ?? password?.user;
    if (given.user === undefined && user !== undefined) {
      const ownerSpent = await o.limiter.check(client, user, now);
      if (ownerSpent) return { refused: 'limited', spent: ownerSpent };
    }
    const failed = async (): Promise<Verified> => {
      await o.limiter.failed(client, user, now, hashOf(header));
      return { refused: 'invalid' };
    };
    if (!password || !matches(given.password, password.hash) || expired(password, now)) return failed();
    const owner = await o.users.current(password.sub, now);
    const unconfirmed =
      owner?.refreshToken === undefined && now - (owner?.validatedAt ?? 0) >= o.revalidateSeconds;
    if (!owner || owner.refused || unconfirmed) return { refused: 'disabled' };
    if (!names(owner.identity, given.user)) return failed();
    const verified = { password, identity: owner.identity };
    if (o.cacheSeconds > 0 && o.invalidation.listening())
      cache.set(header, { header, verified, until: now + o.cacheSeconds, touched: now });
    void o.records.touch(password.id, now).catch(() => undefined);
    return verified;
  };

  return {
    /** Answers without a promise for a password verified moments ago (the check of a script's every request). */
    verify(header: string, given: Presented, client: string, now: number): Verified | Promise<Verified> {
      const hit = o.invalidation.listening() ? cache.get(header) : undefined;
      if (hit && hit.header === header && now < hit.until && !expired(hit.verified.password, now)) {
        if (now - hit.touched >= TOUCH_SECONDS) {
          hit.touched = now;
          void o.records.touch(hit.verified.password.id, now).catch(() => undefined);
        }
        return hit.verified;
      }
      return lookUp(header, given, client, now);
    },
  };
}

export type AppPasswordVerifier = ReturnType<typeof createAppPasswordVerifier>;
