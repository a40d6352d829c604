import { describe, expect, it } from 'vitest';
import { appHeadersOf, createAppHeaderAnswers, deriveAnswer } from '../../src/reply/app-headers.ts';
import type { Reply } from '../../src/reply/reply.ts';

const base: Reply = Object.freeze({
  status: 200,
  headers: { 'x-auth-request-user': 'bob', 'x-envoy-auth-headers-to-remove': 'x-forwarded-user' },
  body: '',
  reason: 'session',
});
const plain = {
  forwardAuth: false,
  publicPath: false,
  appPassword: false,
  authorization: undefined,
  credentials: undefined,
  idp: undefined,
};
const CREDS = Object.freeze({ 'x-api-key': 'k1', authorization: 'Basic YTpi' });

describe("the app's own headers in an allow answer", () => {
  it('sets for Envoy and names what it removes; empties for forward-auth proxies', () => {
    const envoy = deriveAnswer(base, { 'x-api-key': 'k' }, ['authorization'], false);
    expect(envoy.headers).toMatchObject({
      'x-api-key': 'k',
      'x-envoy-auth-headers-to-remove': 'x-forwarded-user, authorization',
    });
    expect(envoy.wire).toEqual(expect.arrayContaining(['x-api-key', 'k']));
    expect(deriveAnswer(base, {}, ['authorization'], true).headers.authorization).toBe('');
  });

  it("gives credentials on allowed requests, removes a client's copy on public paths", () => {
    expect(appHeadersOf({ ...plain, credentials: CREDS })).toMatchObject({ set: CREDS, remove: [] });
    expect(appHeadersOf({ ...plain, credentials: CREDS, publicPath: true })).toMatchObject({
      set: {},
      remove: ['x-api-key', 'authorization'],
    });
  });

  it("never passes an app password on, and passes a forward-auth client's own Authorization", () => {
    expect(appHeadersOf({ ...plain, appPassword: true, authorization: 'Basic x' })).toMatchObject({
      remove: ['authorization'],
    });
    expect(appHeadersOf({ ...plain, forwardAuth: true, authorization: 'Bearer t' })).toMatchObject({
      set: { authorization: 'Bearer t' },
      perRequest: true,
    });
    // Envoy leaves the client's own in place by itself.
    expect(appHeadersOf({ ...plain, authorization: 'Bearer t' })).toMatchObject({ set: {}, remove: [] });
  });

  it('puts the IdP token in its header, as a bearer in Authorization, and removes it where there is none', () => {
    expect(appHeadersOf({ ...plain, idp: { header: 'authorization', token: 't1' } }).set).toEqual({
      authorization: 'Bearer t1',
    });
    expect(appHeadersOf({ ...plain, idp: { header: 'x-id-token', token: 't1' } }).set).toEqual({
      'x-id-token': 't1',
    });
    expect(
      appHeadersOf({ ...plain, appPassword: true, idp: { header: 'x-id-token', token: undefined } }).remove,
    ).toEqual(['x-id-token', 'authorization']);
  });

  it('makes an answer that depends only on the credentials once per credentials version', () => {
    const apply = createAppHeaderAnswers();
    const h = appHeadersOf({ ...plain, credentials: CREDS });
    expect(apply(base, h, false, CREDS)).toBe(apply(base, h, false, CREDS));
    const rotated = Object.freeze({ 'x-api-key': 'k2' });
    expect(
      apply(base, appHeadersOf({ ...plain, credentials: rotated }), false, rotated).headers['x-api-key'],
    ).toBe('k2');
    expect(apply(base, appHeadersOf(plain), false, undefined)).toBe(base);
  });
});
