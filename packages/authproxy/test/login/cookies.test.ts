import { describe, expect, it } from 'vitest';
import { createCookieWriter } from '../../src/login/cookies.ts';
import { authConfig } from '../auth-config.ts';

describe('the cookies a login writes', () => {
  const writer = (overrides: Record<string, unknown> = {}) => {
    const config = authConfig(overrides);
    return createCookieWriter(config.cookie, config.flow.ttlSeconds);
  };

  it('writes the session cookie host-only, or on cookie.domain, for the absolute lifetime', () => {
    expect(writer().session('v')).toBe('horizon=v; Max-Age=604800; Path=/; HttpOnly; SameSite=Lax');
    const shared = writer({
      'cookie.domain': '.Example.com',
      'cookie.secure': true,
      'cookie.name': '__Secure-h',
    });
    expect(shared.session('v')).toBe(
      '__Secure-h=v; Max-Age=604800; Domain=example.com; Path=/; HttpOnly; Secure; SameSite=Lax',
    );
    expect(shared.clearSession()).toContain('Max-Age=0; Domain=example.com');
  });

  it('names one flow cookie per state (its first 16 characters), always host-only, for the flow lifetime', () => {
    const w = writer({ 'cookie.domain': 'example.com', 'flow.ttlSeconds': 600 });
    expect(w.flowName('abcdefghijklmnopqrstuvwxyz')).toBe('horizon-flow-abcdefghijklmnop');
    expect(w.flow('abcdefghijklmnopqrst', 'v')).toBe(
      'horizon-flow-abcdefghijklmnop=v; Max-Age=600; Path=/; HttpOnly; SameSite=Lax',
    );
    expect(w.clearFlow('horizon-flow-abcdefghijklmnop')).toContain('Max-Age=0');
  });

  it('finds only the flow cookie names it could have written', () => {
    const names = writer().flowNames({
      'horizon-flow-abcdefghijklmnop': 'a',
      'horizon-flow-short': 'b',
      'horizon-flow-abcdefghijklmnopq': 'c',
      'other-flow-abcdefghijklmnop': 'd',
      horizon: 'e',
    });
    expect(names).toEqual(['horizon-flow-abcdefghijklmnop']);
  });
});
