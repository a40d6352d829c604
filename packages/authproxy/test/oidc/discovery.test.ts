import { manualClock, waitFor } from '@horizon/test/harness';
import { describe, expect, it } from 'vitest';
import { createDiscovery } from '../../src/oidc/discovery.ts';
import { authConfig } from '../auth-config.ts';
import { capture } from '../fixtures.ts';

const ISSUER = 'http://127.0.0.1:9';

/** A provider's discovery endpoint in memory: up or down as the test says, each ask counted. */
function provider() {
  const state = { up: true, asked: 0 };
  const fetch = async (url: string | URL | Request) => {
    state.asked += 1;
    if (!state.up) throw new TypeError('fetch failed (test: provider down)');
    expect(String(url)).toBe(`${ISSUER}/.well-known/openid-configuration`);
    const document = {
      issuer: ISSUER,
      authorization_endpoint: `${ISSUER}/authorize`,
      jwks_uri: `${ISSUER}/jwks`,
    };
    return new Response(JSON.stringify(document), { headers: { 'content-type': 'application/json' } });
  };
  return { state, fetch: fetch as typeof globalThis.fetch };
}

describe('provider discovery', () => {
  const oidc = authConfig({ 'oidc.issuer': ISSUER }).oidc;

  it('discovers the provider at once', async () => {
    const { fetch, state } = provider();
    const discovery = createDiscovery(oidc, { logger: capture().logger, fetch, clock: manualClock() });
    expect((await discovery.configuration()).serverMetadata().issuer).toBe(ISSUER);
    expect([discovery.discovered(), state.asked]).toEqual([true, 1]);
    discovery.close();
  });

  it('retries in the background with backoff while the provider is down; a login asks again at once, at most every 2 s', async () => {
    const { fetch, state } = provider();
    state.up = false;
    const clock = manualClock();
    const log = capture();
    const discovery = createDiscovery(oidc, { logger: log.logger, fetch, clock });
    await waitFor('the first attempt failed', () => clock.waiting() === 1);
    expect(log.lines.map((l) => [l.msg, l.code])).toEqual([
      ['provider discovery failed', 'E_PROVIDER_UNAVAILABLE'],
    ]);
    await expect(discovery.configuration()).rejects.toMatchObject({ code: 'E_PROVIDER_UNAVAILABLE' });
    expect(state.asked).toBe(2);
    await expect(discovery.configuration()).rejects.toThrow('has not been reached yet');
    expect(state.asked).toBe(2);
    state.up = true;
    clock.advance(30_000); // past any backoff: the background retry
    await waitFor('discovered', () => discovery.discovered());
    expect(state.asked).toBe(3);
    discovery.close();
  });

  it('stops retrying when closed', async () => {
    const { fetch, state } = provider();
    state.up = false;
    const clock = manualClock();
    const discovery = createDiscovery(oidc, { logger: capture().logger, fetch, clock });
    await waitFor('the first attempt failed', () => clock.waiting() === 1);
    discovery.close();
    expect(clock.waiting()).toBe(0);
    clock.advance(60_000);
    await Promise.resolve();
    expect(state.asked).toBe(1);
  });
});
