import { describe, expect, it } from 'vitest';
import { createPublicStep } from '../../src/check/public.ts';
import type { Reply } from '../../src/reply/reply.ts';
import { authConfig } from '../auth-config.ts';
import { session } from '../fixtures.ts';
import { context, grantsOf, NEXT, rest } from './fixtures.ts';

describe('the public step', () => {
  const config = authConfig();
  const { grants } = grantsOf(config);
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
