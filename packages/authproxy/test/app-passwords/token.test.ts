import { describe, expect, it } from 'vitest';
import { hashOf, matches, newAppPassword, presented } from '../../src/app-passwords/token.ts';

const basic = (text: string) => `Basic ${Buffer.from(text).toString('base64')}`;

describe('app passwords as tokens', () => {
  it('makes passwords of 160 random bits that name their record, keeping only a hash', () => {
    const a = newAppPassword();
    const b = newAppPassword();
    expect(a.password).toMatch(/^hzp_[a-z2-7]{13}_[a-z2-7]{32}$/);
    expect(a.password.slice(4, 17)).toBe(a.id);
    expect([a.id === b.id, a.password === b.password]).toEqual([false, false]);
    expect(a.hash).toBe(hashOf(a.password));
    expect(a.hash).not.toContain(a.password.slice(18));
    expect([
      matches(a.password, a.hash),
      matches(b.password, a.hash),
      matches(`${a.password}x`, a.hash),
    ]).toEqual([true, false, false]);
  });

  it('finds one in Basic (the user before the first colon) and in Bearer', () => {
    const { id, password } = newAppPassword();
    expect(presented(basic(`bob:${password}`))).toEqual({ id, password, user: 'bob' });
    expect(presented(basic(`:${password}`))).toEqual({ id, password, user: '' });
    expect(presented(`Bearer ${password}`)).toEqual({ id, password });
    expect(presented(`bearer  ${password}`)).toEqual({ id, password });
  });

  it.each([
    undefined,
    'Bearer eyJhbGciOiJSUzI1NiJ9.e30.sig', // a provider's access token: the bearer step's
    basic('bob:hunter2'), // an app's own Basic credentials: the app's
    basic('bob'),
    `Basic ${'A'.repeat(600)}`,
    'Digest username="bob"',
    `Bearer hzp_${'a'.repeat(13)}_${'1'.repeat(32)}`, // not base32
    `Bearer hzp_${'a'.repeat(13)}_${'a'.repeat(31)}`,
  ])('leaves %j to other steps', (header) => {
    expect(presented(header)).toBeUndefined();
  });
});
