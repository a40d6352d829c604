import { describe, expect, it } from 'vitest';
import { appCookies, createCookieAnswers } from '../../src/reply/app-cookies.ts';
import { type Reply, wireHeaders } from '../../src/reply/reply.ts';

describe("the app's Cookie header", () => {
  it.each([
    [undefined, undefined],
    ['horizon=s', ''],
    ['app=1', 'app=1'],
    ['app=1; horizon=s; b=2', 'app=1; b=2'],
    ['horizon-flow-abcdefghijklmnop=f;app=1', 'app=1'],
    ['horizonx=1; horizon=s', 'horizonx=1'],
    ['a=1;;  ; b=2', 'a=1; b=2'],
  ])('the app sees %j as %j', (header, want) => {
    expect(appCookies(header, 'horizon', 'horizon-flow-')).toBe(want);
  });
});

describe('the Cookie header in an allow answer', () => {
  const allow: Reply = Object.freeze({
    status: 200,
    headers: { 'x-auth-request-user': 'bob', 'x-envoy-auth-headers-to-remove': 'x-a' },
    body: '',
    reason: 'session',
  });

  it('leaves an Envoy answer alone when the request had no Cookie header', () => {
    expect(createCookieAnswers()(allow, false, undefined)).toBe(allow);
  });

  it('has Envoy remove a Cookie header left empty, and gives forward-auth proxies an empty one; both made once', () => {
    const answers = createCookieAnswers();
    const envoy = answers(allow, false, '');
    expect(envoy.headers['x-envoy-auth-headers-to-remove']).toBe('x-a, cookie');
    expect(envoy.headers.cookie).toBeUndefined();
    expect(answers(allow, false, '')).toBe(envoy);
    // An allow answer is made for one kind of proxy (createAllow), so forward-auth's is another object.
    const forProxy: Reply = Object.freeze({ ...allow, headers: { 'x-auth-request-user': 'bob' } });
    const proxy = answers(forProxy, true, undefined);
    expect([proxy.headers.cookie, proxy.headers['x-envoy-auth-headers-to-remove']]).toEqual(['', undefined]);
    expect(answers(forProxy, true, '')).toBe(proxy);
  });

  it("carries the app's own cookies, its header lines written anew", () => {
    const out = createCookieAnswers()(allow, false, 'app=1');
    expect(out.headers.cookie).toBe('app=1');
    expect(out.wire).toEqual(wireHeaders({ ...out, wire: undefined }));
    expect(allow.headers.cookie).toBeUndefined();
  });
});
