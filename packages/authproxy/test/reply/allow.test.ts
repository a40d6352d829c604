import { describe, expect, it } from 'vitest';
import { createAllow } from '../../src/reply/allow.ts';
import { identityHeaders } from '../../src/request/identity-headers.ts';
import type { Identity } from '../../src/session/types.ts';
import { authConfig } from '../auth-config.ts';

describe('allow answers', () => {
  const names = identityHeaders(authConfig({ 'headers.jwt': 'X-Jwt', 'headers.jwtKey': 'k' }).headers);
  const bob: Identity = { sub: 'u-bob', user: 'bob', groups: ['family', 'a,b'], name: 'Bob Ö' };

  it("sets the identity's headers (safe, groups comma-joined), removes every other identity header", () => {
    const reply = createAllow(names)(bob, undefined, 'session', false);
    expect(reply.headers).toMatchObject({
      'x-auth-request-user': 'bob',
      'x-auth-request-subject': 'u-bob',
      'x-auth-request-groups': 'family,a%2Cb',
      'x-auth-request-name': 'Bob %C3%96',
    });
    const removed = String(reply.headers['x-envoy-auth-headers-to-remove']).split(', ');
    expect(removed).toContain('x-auth-request-email');
    expect(removed).toContain('x_auth_request_user');
    expect(removed).not.toContain('x-auth-request-user');
    expect(reply.wire).toEqual(expect.arrayContaining(['x-auth-request-user', 'bob', 'content-length', '0']));
  });

  it('builds one answer per identity, reason and proxy kind, and a fresh one for each JWT', () => {
    const allow = createAllow(names);
    expect(allow(bob, undefined, 'session', false)).toBe(allow(bob, undefined, 'session', false));
    expect(allow(bob, undefined, 'public', false)).not.toBe(allow(bob, undefined, 'session', false));
    expect(allow(undefined, undefined, 'public', true)).toBe(allow(undefined, undefined, 'public', true));
    const signed = allow(bob, 'jwt-1', 'session', false);
    expect(signed.headers['x-jwt']).toBe('jwt-1');
    expect(allow(bob, 'jwt-1', 'session', false)).not.toBe(signed);
  });

  it('fills every managed header for forward-auth proxies (Authorization too), so no client copy survives', () => {
    const reply = createAllow(names)(undefined, undefined, 'public', true);
    expect(Object.fromEntries(names.set.map((n) => [n, reply.headers[n]]))).toEqual({
      ...Object.fromEntries(names.set.map((n) => [n, ''])),
      'x-auth-request-access': 'public',
    });
    expect(reply.headers.authorization).toBe('');
  });

  it('says how the request passed, whoever it names', () => {
    const allow = createAllow(names);
    expect(allow(bob, undefined, 'app-password', false).headers['x-auth-request-access']).toBe(
      'app-password',
    );
    expect(allow(undefined, undefined, 'network', false).headers).toMatchObject({
      'x-auth-request-access': 'network',
    });
    expect(
      String(allow(undefined, undefined, 'network', false).headers['x-envoy-auth-headers-to-remove']),
    ).toContain('x-auth-request-user');
  });
});
