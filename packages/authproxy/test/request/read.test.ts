import { describe, expect, it } from 'vitest';
import { identityHeaders } from '../../src/request/identity-headers.ts';
import { originOf, type RawCheck, type ReadOptions, readCheck, urlOf } from '../../src/request/read.ts';
import { authConfig } from '../auth-config.ts';

describe('reading a check', () => {
  const config = authConfig();
  const options = (over: Partial<ReadOptions> = {}): ReadOptions => ({
    scheme: 'auto',
    policyPathPrefix: '',
    trusted: (address) => address === '127.0.0.1',
    trustedHops: 0,
    identity: identityHeaders(config.headers),
    ...over,
  });
  const raw = (headers: RawCheck['headers'], over: Partial<RawCheck> = {}): RawCheck => ({
    method: 'GET',
    url: '/a%20b?x=1',
    headers,
    cookies: {},
    peer: '127.0.0.1',
    ...over,
  });

  it("reads Envoy's check from its own method, Host and path", () => {
    const req = readCheck(raw({ host: 'PDF.localhost:443', 'x-request-id': 'r' }), options());
    expect(req).toMatchObject({
      via: 'envoy',
      method: 'GET',
      host: 'pdf.localhost',
      hostname: 'pdf.localhost',
      target: '/a%20b?x=1',
      path: '/a b',
      scheme: 'https',
      authRequest: false,
      bare: false,
    });
    if ('refused' in req) throw new Error('refused');
    expect([originOf(req), urlOf(req).searchParams.get('x')]).toEqual(['https://pdf.localhost', '1']);
  });

  it("reads a forward-auth check from a trusted proxy's X-Forwarded-Method/-Host/-Uri", () => {
    const headers = {
      host: 'auth:4180',
      'x-forwarded-method': 'POST',
      'x-forwarded-host': 'pdf.localhost:8443',
      'x-forwarded-uri': '/doc',
      'x-forwarded-proto': 'http, https',
    };
    expect(readCheck(raw(headers), options())).toMatchObject({
      via: 'forward-auth',
      method: 'POST',
      host: 'pdf.localhost:8443',
      target: '/doc',
      scheme: 'http',
    });
    expect(readCheck(raw(headers, { peer: '10.0.0.1' }), options())).toEqual({
      refused: 'untrusted-proxy',
      detail: '10.0.0.1',
      authRequest: false,
    });
  });

  it('tells a page load from an API call, and a gateway that forwarded nothing', () => {
    const read = (headers: RawCheck['headers']) =>
      readCheck(raw({ host: 'pdf.localhost', ...headers }), options());
    expect(read({ 'sec-fetch-mode': 'navigate', accept: 'application/json' })).toMatchObject({
      navigation: true,
    });
    expect(read({ 'sec-fetch-mode': 'cors', accept: 'text/html' })).toMatchObject({ navigation: false });
    expect(read({ accept: 'text/html' })).toMatchObject({ navigation: true });
    expect(read({ accept: 'text/html', authorization: 'Bearer x' })).toMatchObject({ navigation: false });
    expect(read({})).toMatchObject({ bare: true });
  });

  it('takes the policy name from the extAuth path when policyPathPrefix is set, never from the client', () => {
    const named = options({ policyPathPrefix: '/_policy-0123456789abcdef/' });
    expect(
      readCheck(raw({ host: 'pdf.localhost' }, { url: '/_policy-0123456789abcdef/pdf/a?b' }), named),
    ).toMatchObject({
      policyName: 'pdf',
      target: '/a?b',
    });
    expect(
      readCheck(raw({ host: 'pdf.localhost' }, { url: '/_policy-0123456789abcdef/pdf' }), named),
    ).toMatchObject({
      target: '/',
    });
    expect(readCheck(raw({ host: 'pdf.localhost' }, { url: '/pdf/a' }), named)).toMatchObject({
      refused: 'no-policy-prefix',
    });
    expect(
      readCheck(raw({ host: 'pdf.localhost' }, { url: '/_policy-0123456789abcdef/pdf/a' }), options()),
    ).toMatchObject({ policyName: undefined, path: '/_policy-0123456789abcdef/pdf/a' });
  });

  it.each([
    [{ host: 'pdf.localhost' }, { method: 'GE T' }, 'bad-method'],
    [{ host: 'a@b' }, {}, 'bad-host'],
    [{ host: 'pdf.localhost' }, { url: '/a/../b' }, 'dot-segment'],
  ] as const)('refuses %j %j: %s', (headers, over, refused) => {
    expect(readCheck(raw(headers, over), options())).toMatchObject({ refused });
  });
});
