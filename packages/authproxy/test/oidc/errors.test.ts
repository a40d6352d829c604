import * as client from 'openid-client';
import { describe, expect, it } from 'vitest';
import { translateProviderError } from '../../src/oidc/errors.ts';

describe("the provider client's errors, translated once", () => {
  const oauthError = (status: number) =>
    new client.ResponseBodyError('oauth error', {
      cause: { error: 'invalid_grant' },
      response: new Response(null, { status }),
    });

  it.each([
    ['an OAuth error from the provider (4xx)', oauthError(400), 'E_PROVIDER_REJECTED'],
    ['a provider-side 5xx', oauthError(502), 'E_PROVIDER_UNAVAILABLE'],
    [
      'an error response at the callback',
      new client.AuthorizationResponseError('denied', { cause: new URLSearchParams('error=access_denied') }),
      'E_PROVIDER_REJECTED',
    ],
    [
      'a refused token',
      new client.WWWAuthenticateChallengeError('challenge', {
        cause: [],
        response: new Response(null, { status: 401 }),
      }),
      'E_PROVIDER_REJECTED',
    ],
    [
      'a failed fetch',
      Object.assign(new client.ClientError('x'), { cause: new TypeError('fetch failed') }),
      'E_PROVIDER_UNAVAILABLE',
    ],
    [
      'a timeout',
      Object.assign(new client.ClientError('x'), { cause: new DOMException('t', 'TimeoutError') }),
      'E_PROVIDER_UNAVAILABLE',
    ],
    ['a response the client found wrong', new client.ClientError('unexpected iss'), 'E_CALLBACK_INVALID'],
    ['anything else', new Error('socket hang up'), 'E_PROVIDER_UNAVAILABLE'],
  ])('%s is %s', (_name, err, code) => {
    const out = translateProviderError(err, 'refresh');
    expect([out.code, out.message.startsWith('refresh: '), out.cause]).toEqual([code, true, err]);
  });
});
