import { describe, expect, it } from 'vitest';
import { createBearerStep } from '../../src/check/bearer.ts';
import { authError } from '../../src/errors.ts';
import type { BearerVerifier } from '../../src/oidc/bearer.ts';
import type { Identity } from '../../src/session/types.ts';
import { authConfig } from '../auth-config.ts';
import { NOW, policy } from '../fixtures.ts';
import { checkRequest, context, grantsOf, NEXT, rest } from './fixtures.ts';

describe('the bearer step', () => {
  const config = authConfig();
  const { grants } = grantsOf(config);
  const admins = policy('admins', { groups: ['admins'] });
  const alice: Identity = { sub: 'u-alice', user: 'alice', groups: ['admins'] };
  const verifier = (answer: (token: string, now: number) => Promise<Identity>) => {
    const asked: [string, number][] = [];
    const bearer: BearerVerifier = {
      verify: (token, now) => {
        asked.push([token, now]);
        return answer(token, now);
      },
    };
    return { bearer, asked };
  };
  const withToken = (authorization: string) =>
    context({ policy: admins, req: checkRequest({ authorization }) });

  it('lets the holder of a valid token the policy names through, verified at the check time', async () => {
    const { bearer, asked } = verifier(async () => alice);
    const out = await createBearerStep(bearer, grants)(withToken('Bearer  tok '), rest());
    expect([out.status, out.reason, out.headers['x-auth-request-user']]).toEqual([200, 'bearer', 'alice']);
    expect(asked).toEqual([['tok', NOW]]);
  });

  it('answers 403 insufficient_scope outside the policy, 401 invalid_token for a bad token, and says when the provider is down', async () => {
    const outsider = verifier(async () => ({ ...alice, groups: [] }));
    expect(await createBearerStep(outsider.bearer, grants)(withToken('bearer t'), rest())).toMatchObject({
      status: 403,
      headers: { 'www-authenticate': 'Bearer realm="pdf.localhost", error="insufficient_scope"' },
    });
    const bad = verifier(async () => Promise.reject(authError('E_TOKEN_INVALID', 'bad')));
    expect(await createBearerStep(bad.bearer, grants)(withToken('Bearer t'), rest())).toMatchObject({
      status: 401,
      reason: 'bad-token',
      headers: { 'www-authenticate': 'Bearer realm="pdf.localhost", error="invalid_token"' },
    });
    const down = verifier(async () => Promise.reject(authError('E_PROVIDER_UNAVAILABLE', 'down')));
    expect(await createBearerStep(down.bearer, grants)(withToken('Bearer t'), rest())).toMatchObject({
      status: 424,
      reason: 'provider-unavailable',
    });
  });

  it('passes on without a Bearer token, or with bearer tokens off', () => {
    const { bearer, asked } = verifier(async () => alice);
    expect(createBearerStep(bearer, grants)(withToken('Basic dXNlcjpwYXNz'), rest())).toBe(NEXT);
    expect(createBearerStep(bearer, grants)(context(), rest())).toBe(NEXT);
    expect(createBearerStep(undefined, grants)(withToken('Bearer t'), rest())).toBe(NEXT);
    expect(asked).toEqual([]);
  });
});
