import { describe, expect, it } from 'vitest';
import { createGrants } from '../../src/check/granted.ts';
import { createPublicStep } from '../../src/check/public.ts';
import { createCookieWriter } from '../../src/login/cookies.ts';
import type { Reply } from '../../src/reply/reply.ts';
import { identityHeaders } from '../../src/request/identity-headers.ts';
import { authConfig } from '../auth-config.ts';
import { NOW, session } from '../fixtures.ts';
import { context, NEXT, rest } from './fixtures.ts';

describe('the public step', () => {
  const config = authConfig();
  const grants = createGrants({
    identity: identityHeaders(config.headers),
    cookies: createCookieWriter(config.cookie, config.flow.ttlSeconds),
    signer: undefined,
    now: () => NOW,
  });
  const step = createPublicStep(grants);

  it('lets a public request through, with the identity of a session when there is one', () => {
    const anonymous = step(context({ isPublic: true }), rest()) as Reply;
    expect([anonymous.status, anonymous.reason, anonymous.headers['x-auth-request-user']]).toEqual([
      200,
      'public',
      undefined,
    ]);
    const known = step(context({ isPublic: true, session: session() }), rest()) as Reply;
    expect([known.status, known.headers['x-auth-request-user']]).toEqual([200, 'bob']);
  });

  it('passes anything else on', () => {
    expect(step(context(), rest())).toBe(NEXT);
  });
});
