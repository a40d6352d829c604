import { describe, expect, it } from 'vitest';
import { createPolicyStep } from '../../src/check/policy.ts';
import type { CheckContext } from '../../src/check/step.ts';
import { ANY_SIGNED_IN } from '../../src/policy/policies.ts';
import { createPolicyTable } from '../../src/policy/table.ts';
import type { Reply } from '../../src/reply/reply.ts';
import { authConfig } from '../auth-config.ts';
import { NOW } from '../fixtures.ts';
import { checkRequest } from './fixtures.ts';

describe('the policy step', () => {
  const config = authConfig({
    policies: [
      { name: 'pdf', hosts: ['pdf.localhost'], pathPrefix: '/app', publicPaths: ['/app/health'] },
      { name: 'hooks', hosts: [], publicPaths: ['/hooks/*'] },
    ],
  });
  const step = (defaultPolicy: 'deny' | 'authenticated') =>
    createPolicyStep({ policies: createPolicyTable(config), defaultPolicy, now: () => NOW });

  it('makes the context the later steps read: the policy, publicness, one clock reading, no session yet', () => {
    const req = checkRequest({ path: '/app/health' });
    expect(step('deny')(req)).toEqual({
      req,
      policy: expect.objectContaining({ name: 'pdf' }),
      isPublic: true,
      at: NOW,
      session: undefined,
    });
  });

  it('judges paths no policy covers: any signed-in user on a named host, elsewhere by defaultPolicy', () => {
    const uncovered = checkRequest({ path: '/other' });
    expect((step('deny')(uncovered) as CheckContext).policy).toBe(ANY_SIGNED_IN);
    const elsewhere = checkRequest({ hostname: 'x.localhost' });
    expect(step('deny')(elsewhere)).toMatchObject({ status: 403, reason: 'no-policy' });
    expect((step('authenticated')(elsewhere) as CheckContext).policy).toBe(ANY_SIGNED_IN);
  });

  it('takes only the named policy when the operator named one, and refuses a name that does not exist', () => {
    const named = step('authenticated')(checkRequest({ path: '/hooks/a', policyName: 'hooks' }));
    expect([(named as CheckContext).policy.name, (named as CheckContext).isPublic]).toEqual(['hooks', true]);
    expect((step('authenticated')(checkRequest({ path: '/other', policyName: 'pdf' })) as Reply).reason).toBe(
      'no-policy',
    );
    expect(step('deny')(checkRequest({ policyName: 'nope' }))).toMatchObject({
      status: 403,
      reason: 'unknown-policy',
    });
  });

  it('refuses a path whose readings lead to different decisions', () => {
    const req = checkRequest({ path: '/App/health', spellings: [] });
    expect(step('authenticated')(req)).toMatchObject({ status: 400, reason: 'ambiguous-path' });
  });
});
