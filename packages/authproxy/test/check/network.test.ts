import { describe, expect, it } from 'vitest';
import { createNetworkStep } from '../../src/check/network.ts';
import { networkRule } from '../../src/policy/networks.ts';
import { compilePolicy, policyConfig } from '../../src/policy/policies.ts';
import type { Reply } from '../../src/reply/reply.ts';
import { authConfig } from '../auth-config.ts';
import { checkRequest, context, grantsOf, NEXT, rest } from './fixtures.ts';

describe('the network step', () => {
  const { grants } = grantsOf(authConfig());
  const step = createNetworkStep(grants);
  const lan = {
    ...compilePolicy(
      policyConfig('lan', { networks: ['127.0.1.0/24'], loginNetworks: ['127.0.1.128/25'] }),
      'config',
    ),
    passesWithoutLogin: networkRule(['127.0.1.0/24'], ['127.0.1.128/25'], 'lan'),
  };
  const from = (client: string | undefined, via: 'envoy' | 'forward-auth' = 'envoy') =>
    context({ policy: lan, req: checkRequest({ client, via }) });

  it('lets a client of the networks in with no identity, saying so, and every identity header removed', () => {
    const out = step(from('127.0.1.5'), rest()) as Reply;
    expect([out.status, out.reason, out.headers['x-auth-request-access']]).toEqual([
      200,
      'network',
      'network',
    ]);
    expect(out.headers['x-auth-request-user']).toBeUndefined();
    expect(String(out.headers['x-envoy-auth-headers-to-remove'])).toContain('x-auth-request-user');
    const forwardAuth = step(from('127.0.1.5', 'forward-auth'), rest()) as Reply;
    expect([forwardAuth.headers['x-auth-request-user'], forwardAuth.headers.authorization]).toEqual(['', '']);
  });

  it('hands on a client of the login networks, one outside, one the front could not name, and any under a policy without networks', () => {
    for (const c of [
      from('127.0.1.200'),
      from('127.0.0.1'),
      from(undefined),
      context({ req: checkRequest({ client: '127.0.1.5' }) }),
    ])
      expect(step(c, rest())).toBe(NEXT);
  });
});
