import { describe, expect, it } from 'vitest';
import { AUTH_REQUEST_DENIAL, forAuthRequest } from '../../src/check/auth-request.ts';
import type { Reply } from '../../src/reply/reply.ts';

describe("nginx auth_request's answers", () => {
  const reply = (status: number, reason: string): Reply => ({
    status,
    headers: { a: 'b' },
    body: 'page',
    reason,
  });

  it('passes a 200 as it is, and cuts everything else to a bare 401 keeping the reason', () => {
    const allow = reply(200, 'session');
    expect(forAuthRequest(allow, true)).toBe(allow);
    expect(forAuthRequest(reply(302, 'login'), true)).toEqual({ ...AUTH_REQUEST_DENIAL, reason: 'login' });
    expect(forAuthRequest(reply(424, 'store-unavailable'), true)).toEqual({
      status: 401,
      headers: {},
      body: '',
      reason: 'store-unavailable',
    });
  });

  it('leaves every other check alone', () => {
    const login = reply(302, 'login');
    expect(forAuthRequest(login, false)).toBe(login);
  });
});
