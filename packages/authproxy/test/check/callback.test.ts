import { createMetricsRegistry } from '@horizon/shared';
import { describe, expect, it } from 'vitest';
import { createCallbackStep } from '../../src/check/callback.ts';
import { createLogLimiter } from '../../src/log-limit.ts';
import { flowSecrets, newSeed, sealFlow } from '../../src/login/flow-cookies.ts';
import type { Reply } from '../../src/reply/reply.ts';
import { capture, NOW, session } from '../fixtures.ts';
import { checkDeps, checkRequest, context, NEXT, rest } from './fixtures.ts';

describe('the callback step', () => {
  const setup = () => {
    const registry = createMetricsRegistry('authproxy');
    const log = capture();
    const deps = checkDeps({ registry });
    const step = createCallbackStep({ ...deps, logs: createLogLimiter(), log: log.logger });
    const logins = async () =>
      [
        ...(await registry.metrics()).matchAll(
          /^horizon_authproxy_logins_total\{result="([^"]+)"[^}]*\} (\d+)$/gm,
        ),
      ]
        .map((m) => `${m[1]} ${m[2]}`)
        .sort();
    return { deps, step, lines: log.lines, logins };
  };
  /** A callback on pdf.localhost, with the flow cookie of a login begun a minute ago. */
  const withFlow = (deps: ReturnType<typeof checkDeps>) => {
    const seed = newSeed();
    const { state } = flowSecrets(seed);
    const sealed = sealFlow(deps.sealer, 'pdf.localhost', { seed, returnTo: '/doc', createdAt: NOW - 60 });
    const target = `/oauth2/callback?code=c&state=${state}`;
    return checkRequest({
      path: '/oauth2/callback',
      target,
      cookies: { [deps.cookies.flowName(state)]: sealed },
    });
  };

  it('passes every other path on', () => {
    expect(setup().step(context(), rest())).toBe(NEXT);
  });

  it('shows a fixed page for a provider error, clears that flow, and counts it by code', async () => {
    const { deps, step, logins } = setup();
    const req = withFlow(deps);
    const refused = { ...req, target: req.target.replace('code=c', 'error=access_denied') };
    const out = await step(context({ req: refused }), rest());
    expect([out.status, out.reason]).toEqual([403, 'callback-refused']);
    expect(out.headers['set-cookie']).toEqual([
      deps.cookies.clearFlow(Object.keys(req.cookies)[0] as string),
    ]);
    const unknown = checkRequest({ path: '/oauth2/callback', target: '/oauth2/callback?error=made_up' });
    expect((await step(context({ req: unknown }), rest())).headers['set-cookie']).toBeUndefined();
    expect(await logins()).toEqual(['refused:access_denied 1', 'refused:other 1']);
  });

  it("answers a callback of no login in progress 400, in one line with its code; a signed-in browser goes to the app's root", async () => {
    const { step, lines, logins } = setup();
    const stray = checkRequest({ path: '/oauth2/callback', target: '/oauth2/callback?code=c&state=s' });
    expect(await step(context({ req: stray }), rest())).toMatchObject({
      status: 400,
      reason: 'callback-invalid',
    });
    expect(lines.map((l) => [l.msg, l.code])).toEqual([['login failed', 'E_CALLBACK_INVALID']]);
    const signedIn = (await step(context({ req: stray, session: session() }), rest())) as Reply;
    expect([signedIn.status, signedIn.headers.location]).toEqual([302, 'https://pdf.localhost/']);
    expect(await logins()).toEqual(['E_CALLBACK_INVALID 2']);
  });

  it('says so when the provider cannot redeem the code, and answers a retry of the same callback the same', async () => {
    const { deps, step, logins } = setup();
    const req = withFlow(deps);
    const first = step(context({ req }), rest());
    const again = step(context({ req }), rest());
    expect(again).toBe(first); // one redemption, whatever Envoy retries
    expect(await first).toMatchObject({ status: 424, reason: 'provider-unavailable' });
    expect(await logins()).toEqual(['E_PROVIDER_UNAVAILABLE 1', 'replayed 1']);
  });
});
