import * as client from 'openid-client';
import { describe, expect, it } from 'vitest';
import { callbackKey, type FlowDeps, finishLogin, startLogin } from '../../src/login/flow.ts';
import { flowSecrets, newSeed, openFlow, sealFlow } from '../../src/login/flow-cookies.ts';
import type { Redeemed } from '../../src/oidc/provider.ts';
import { checkDeps, checkRequest } from '../check/fixtures.ts';
import { memoryStore, NOW, unreachableProvider } from '../fixtures.ts';

const ISSUER = 'https://id.example.com';
const server = new client.Configuration(
  { issuer: ISSUER, authorization_endpoint: `${ISSUER}/authorize`, token_endpoint: `${ISSUER}/token` },
  'pdf',
);

/** The name and value of a Set-Cookie line. */
const pairOf = (line: string): [string, string] => {
  const pair = line.slice(0, line.indexOf(';'));
  return [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)];
};

/** Flow deps over a provider that is discovered and reachable, and redeems codes with `redeem`. */
function flowDeps(
  redeem: () => Promise<Redeemed> = async () => Promise.reject(new Error('unused')),
): FlowDeps {
  const deps = checkDeps({ store: memoryStore() });
  return {
    ...deps,
    provider: {
      ...unreachableProvider(),
      configuration: async () => server,
      reachable: async () => true,
      redeem,
    },
  };
}

describe('starting a login', () => {
  it('sends the browser to the provider with PKCE S256, state and nonce, its flow in a cookie of its own', async () => {
    const deps = flowDeps();
    const req = checkRequest({ target: '/doc?x=1', host: 'pdf.localhost:8443' });
    const { location, cookies } = await startLogin(deps, req);
    const url = new URL(location);
    expect(url.origin + url.pathname).toBe(`${ISSUER}/authorize`);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      client_id: 'pdf',
      redirect_uri: 'https://pdf.localhost:8443/oauth2/callback',
      scope: 'openid profile email groups',
      code_challenge_method: 'S256',
      response_type: 'code',
    });
    const state = url.searchParams.get('state') as string;
    expect(cookies).toHaveLength(1);
    const [name, value] = pairOf(cookies[0] as string);
    expect(name).toBe(deps.cookies.flowName(state));
    const flow = openFlow(deps.sealer, 'pdf.localhost:8443', value);
    expect([flow?.returnTo, flow?.createdAt, flowSecrets(flow?.seed as string).state]).toEqual([
      '/doc?x=1',
      NOW,
      state,
    ]);
  });

  it('returns to / from the callback or sign-out paths, and from a page address too long to keep', async () => {
    const deps = flowDeps();
    const returnTo = async (target: string) => {
      const { location, cookies } = await startLogin(
        deps,
        checkRequest({ target, path: target.split('?')[0] }),
      );
      const [, value] = pairOf(cookies.at(-1) as string);
      expect(location).toContain('state=');
      return openFlow(deps.sealer, 'pdf.localhost', value)?.returnTo;
    };
    expect(await returnTo('/oauth2/callback?code=x')).toBe('/');
    expect(await returnTo('/oauth2/sign_out')).toBe('/');
    expect(await returnTo(`/a?${'b'.repeat(1100)}`)).toBe('/');
    expect(await returnTo(`/a?${'b'.repeat(900)}`)).toBe(`/a?${'b'.repeat(900)}`);
  });

  it('refuses to send anyone to a provider that does not answer', async () => {
    const deps = { ...flowDeps(), provider: { ...flowDeps().provider, reachable: async () => false } };
    await expect(startLogin(deps, checkRequest())).rejects.toMatchObject({ code: 'E_PROVIDER_UNAVAILABLE' });
  });
});

describe('finishing a login', () => {
  const identity = { sub: 'u-bob', user: 'bob', groups: ['family'] };
  /** A callback for a flow begun `age` seconds ago on pdf.localhost. */
  const callback = (deps: FlowDeps, age = 60, state?: string) => {
    const seed = newSeed();
    const real = flowSecrets(seed).state;
    const sealed = sealFlow(deps.sealer, 'pdf.localhost', { seed, returnTo: '/doc', createdAt: NOW - age });
    const target = `/oauth2/callback?code=c&state=${state ?? real}`;
    return checkRequest({
      path: '/oauth2/callback',
      target,
      cookies: { [deps.cookies.flowName(real)]: sealed },
    });
  };

  it('redeems the code and starts a new session on this host, back where the login began', async () => {
    const deps = flowDeps(async () => ({ identity, refreshToken: 'r', idToken: 'id', issuedAt: NOW - 1 }));
    const out = await finishLogin(deps, callback(deps));
    expect(out.location).toBe('https://pdf.localhost/doc');
    expect(out.session).toMatchObject({
      ...identity,
      host: 'pdf.localhost',
      createdAt: NOW,
      renewedAt: NOW,
      idToken: 'id',
    });
    expect(out.cookies[0]).toBe(deps.cookies.session(`value-of-${out.session.sid}`));
    expect(out.cookies[1]).toContain('Max-Age=0');
  });

  it.each([
    ['no flow cookie', (deps: FlowDeps) => ({ ...callback(deps), cookies: {} }), 'no login in progress'],
    ['another state', (deps: FlowDeps) => callback(deps, 60, 'x'.repeat(43)), 'no login in progress'],
    ['a login older than flow.ttlSeconds', (deps: FlowDeps) => callback(deps, 601), 'login took too long'],
  ])('refuses %s', async (_name, make, message) => {
    const deps = flowDeps(async () => ({ identity, issuedAt: NOW }));
    await expect(finishLogin(deps, make(deps))).rejects.toMatchObject({
      code: 'E_CALLBACK_INVALID',
      message: expect.stringContaining(message),
    });
  });

  it.each([
    ['before the login began', NOW - 60 - 31],
    ['in the future', NOW + 31],
  ])('refuses an ID token issued %s (past the tolerated skew)', async (_name, issuedAt) => {
    const deps = flowDeps(async () => ({ identity, issuedAt }));
    await expect(finishLogin(deps, callback(deps))).rejects.toMatchObject({ code: 'E_CALLBACK_INVALID' });
  });

  it('keys a retried callback by its flow cookie, so a callback URL alone replays nothing', () => {
    const deps = flowDeps();
    const req = callback(deps);
    expect(callbackKey(deps.cookies, req)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(callbackKey(deps.cookies, { ...req, cookies: {} })).toBeUndefined();
  });
});
