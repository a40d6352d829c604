import { createMetricsRegistry } from '@horizon/shared';
import { describe, expect, it } from 'vitest';
import type { AppPasswordVerifier, Verified } from '../../src/app-passwords/verifier.ts';
import { createAppPasswordStep } from '../../src/check/app-password.ts';
import { createLogLimiter } from '../../src/log-limit.ts';
import type { Reply } from '../../src/reply/reply.ts';
import { authConfig } from '../auth-config.ts';
import { capture, NOW, policy } from '../fixtures.ts';
import { checkRequest, context, grantsOf, NEXT, rest } from './fixtures.ts';

const PASSWORD = `hzp_${'a'.repeat(13)}_${'b'.repeat(32)}`;
const bob = { sub: 'u-bob', user: 'bob', groups: ['family'] };
const record = { id: 'a'.repeat(13), sub: 'u-bob', user: 'bob', name: 'phone', createdAt: NOW, hash: 'h' };

describe('the app-password step', () => {
  const { grants } = grantsOf(authConfig());
  let registry = createMetricsRegistry('authproxy');
  const stepWith = (answer: Verified | undefined) => {
    registry = createMetricsRegistry('authproxy');
    return createAppPasswordStep({
      verifier:
        answer === undefined ? undefined : ({ verify: () => answer } as unknown as AppPasswordVerifier),
      grants,
      registry,
      logs: createLogLimiter(),
      log: capture().logger,
    });
  };
  const files = policy('files', { groups: ['family'], appPasswords: true });
  const at = (authorization: string | undefined, p = files, hostname = 'files.localhost') =>
    context({ policy: p, req: checkRequest({ authorization, hostname, host: hostname }) });
  const ok = (scope: { host: string } | { policy: string }): Verified => ({
    password: { ...record, scope },
    identity: bob,
  });

  it('lets the owner in on its host or policy, saying so, and takes the password out of what the app gets', async () => {
    for (const scope of [{ host: 'files.localhost' }, { policy: 'files' }]) {
      const out = (await stepWith(ok(scope))(at(`Bearer ${PASSWORD}`), rest())) as Reply;
      expect([
        out.status,
        out.reason,
        out.headers['x-auth-request-user'],
        out.headers['x-auth-request-access'],
      ]).toEqual([200, 'app-password', 'bob', 'app-password']);
      expect(String(out.headers['x-envoy-auth-headers-to-remove'])).toMatch(/(^|, )authorization($|,)/);
    }
  });

  it("answers a password the verifier knows with the same allow answer each time (built once, as a session's)", async () => {
    const step = stepWith(ok({ host: 'files.localhost' }));
    const first = await step(at(`Bearer ${PASSWORD}`), rest());
    expect(await step(at(`Bearer ${PASSWORD}`), rest())).toBe(first);
  });

  it('refuses it elsewhere, to someone the policy does not let in, and where no policy takes one', async () => {
    expect(await stepWith(ok({ host: 'pdf.localhost' }))(at(`Bearer ${PASSWORD}`), rest())).toMatchObject({
      status: 403,
      reason: 'app-password-scope',
    });
    const admins = policy('files', { groups: ['admins'], appPasswords: true });
    expect(await stepWith(ok({ policy: 'files' }))(at(`Bearer ${PASSWORD}`, admins), rest())).toMatchObject({
      status: 403,
      reason: 'forbidden',
    });
    expect(stepWith(ok({ policy: 'files' }))(at(`Bearer ${PASSWORD}`, policy('pdf')), rest())).toMatchObject({
      status: 401,
      reason: 'app-password-not-accepted',
    });
    expect(stepWith(undefined)(at(`Bearer ${PASSWORD}`), rest())).toMatchObject({ status: 401 }); // the cookie store keeps none
  });

  it('answers a wrong one 401 with a Basic challenge, and 429 with Retry-After past a budget', async () => {
    const wrong = (await stepWith({ refused: 'invalid' })(at(`Bearer ${PASSWORD}`), rest())) as Reply;
    expect([wrong.status, wrong.headers['www-authenticate']]).toEqual([
      401,
      expect.arrayContaining([expect.stringMatching(/^Basic realm=/)]),
    ]);
    const limited = (await stepWith({ refused: 'limited', spent: { by: 'user', retryAfter: 30 } })(
      at(`Bearer ${PASSWORD}`),
      rest(),
    )) as Reply;
    expect([limited.status, limited.headers['retry-after'], limited.reason]).toEqual([
      429,
      '30',
      'app-password-limited-user',
    ]);
    expect(await registry.metrics()).toMatch(
      /horizon_authproxy_app_password_failures_total\{reason="limited-user"[^}]*\} 1/,
    );
  });

  it("hands on anything else in Authorization: an access token, an app's own Basic credentials, none", () => {
    for (const header of [
      'Bearer eyJ.x.y',
      `Basic ${Buffer.from('bob:hunter2').toString('base64')}`,
      undefined,
    ])
      expect(stepWith(ok({ policy: 'files' }))(at(header), rest())).toBe(NEXT);
  });
});
