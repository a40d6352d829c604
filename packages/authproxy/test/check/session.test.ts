import { describe, expect, it } from 'vitest';
import { createSessionStep } from '../../src/check/session.ts';
import { createCookieWriter } from '../../src/login/cookies.ts';
import type { Session } from '../../src/session/types.ts';
import { authConfig } from '../auth-config.ts';
import { memoryStore, session } from '../fixtures.ts';
import { checkRequest, context, NEXT, rest } from './fixtures.ts';

describe('the session step', () => {
  const writer = (domain = '') => {
    const config = authConfig({ 'cookie.domain': domain });
    return createCookieWriter(config.cookie, config.flow.ttlSeconds);
  };
  const bob = session();
  const store = memoryStore({ v: bob });

  it('passes on a new context with the session the cookie names on its host; the one it got is unchanged', () => {
    const next = rest();
    const c = context({ req: checkRequest({ cookies: { horizon: 'v' } }) });
    expect(createSessionStep({ store, cookies: writer() })(c, next)).toBe(NEXT);
    expect(next.seen[0]).toEqual({ ...c, session: bob });
    expect(c.session).toBeUndefined();
  });

  it('passes no session without a cookie, for an unknown one, or on another host', () => {
    const step = createSessionStep({ store, cookies: writer() });
    for (const req of [
      checkRequest(),
      checkRequest({ cookies: { horizon: 'unknown' } }),
      checkRequest({ cookies: { horizon: 'v' }, hostname: 'other.localhost' }),
    ]) {
      const next = rest();
      step(context({ req }), next);
      expect(next.seen[0]?.session).toBeUndefined();
    }
  });

  it('with cookie.domain, takes the session on that domain and below, nowhere else', () => {
    const step = createSessionStep({ store, cookies: writer('.Example.com') });
    const seen = (hostname: string) => {
      const next = rest();
      step(context({ req: checkRequest({ cookies: { horizon: 'v' }, hostname }) }), next);
      return next.seen[0]?.session?.sid;
    };
    expect([seen('example.com'), seen('a.example.com'), seen('pdf.localhost'), seen('xexample.com')]).toEqual(
      ['sid-bob', 'sid-bob', undefined, undefined],
    );
  });

  it('waits for a store that answers later', async () => {
    const later = { ...store, read: async () => bob as Session | undefined };
    const next = rest();
    const out = createSessionStep({ store: later, cookies: writer() })(
      context({ req: checkRequest({ cookies: { horizon: 'v' } }) }),
      next,
    );
    expect(out).toBeInstanceOf(Promise);
    expect(await out).toBe(NEXT);
    expect(next.seen[0]?.session).toBe(bob);
  });
});
