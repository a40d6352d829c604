import { manualClock } from '@horizon/test/harness';
import { describe, expect, it } from 'vitest';
import { createReachability } from '../../src/oidc/reachability.ts';

describe('whether the provider answers now', () => {
  const setup = () => {
    const state = { status: 200, asked: [] as string[] };
    const fetch = (async (url: string | URL | Request) => {
      state.asked.push(String(url));
      if (state.status === 0) throw new TypeError('fetch failed');
      return new Response('{}', { status: state.status });
    }) as typeof globalThis.fetch;
    const clock = manualClock();
    const reachable = createReachability({
      issuer: 'https://id.example.com/',
      timeoutMs: 5000,
      fetch,
      clock,
    });
    return { state, clock, reachable };
  };

  it('asks for the discovery document and remembers an answer for 1 s', async () => {
    const { state, clock, reachable } = setup();
    expect(await reachable()).toBe(true);
    expect(state.asked).toEqual(['https://id.example.com/.well-known/openid-configuration']);
    clock.advance(999);
    state.status = 0;
    expect(await reachable()).toBe(true);
    clock.advance(1);
    expect(await reachable()).toBe(false);
    expect(state.asked).toHaveLength(2);
  });

  it('remembers a failure (no answer, or not 2xx) for 5 s', async () => {
    const { state, clock, reachable } = setup();
    state.status = 503;
    expect(await reachable()).toBe(false);
    state.status = 200;
    clock.advance(4999);
    expect(await reachable()).toBe(false);
    clock.advance(1);
    expect(await reachable()).toBe(true);
    expect(state.asked).toHaveLength(2);
  });
});
