import { describe, expect, it } from 'vitest';
import { authError } from '../../src/errors.ts';
import { outagePage } from '../../src/reply/outages.ts';

describe('outage pages', () => {
  it("names the store's and the provider's outages with a 424 and when to retry; anything else is no outage", () => {
    expect(outagePage(authError('E_SESSION_STORE', 'x'))).toMatchObject({
      status: 424,
      reason: 'store-unavailable',
      headers: { 'retry-after': '10' },
    });
    expect(outagePage(authError('E_PROVIDER_UNAVAILABLE', 'x'))).toMatchObject({
      status: 424,
      reason: 'provider-unavailable',
      headers: { 'retry-after': '30' },
    });
    expect(outagePage(authError('E_CALLBACK_INVALID', 'x'))).toBeUndefined();
    expect(outagePage(new Error('x'))).toBeUndefined();
  });
});
