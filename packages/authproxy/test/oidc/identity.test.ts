import { describe, expect, it } from 'vitest';
import { groupsOf, identityOf } from '../../src/oidc/identity.ts';

describe('the identity in claims', () => {
  it('names the user by preferred_username, else sub; keeps email, its verification and a name', () => {
    expect(
      identityOf({
        sub: 'u1',
        preferred_username: 'bob',
        email: 'bob@example.com',
        email_verified: false,
        display_name: 'Bob',
        groups: ['family'],
      }),
    ).toEqual({
      sub: 'u1',
      user: 'bob',
      email: 'bob@example.com',
      emailVerified: false,
      name: 'Bob',
      groups: ['family'],
    });
    expect(identityOf({ sub: 'u2', preferred_username: '', email: '' })).toEqual({
      sub: 'u2',
      user: 'u2',
      groups: [],
    });
    expect(identityOf({ sub: 'u3', name: 'Name', display_name: 'Display' }).name).toBe('Name');
  });

  it('takes groups given apart from the claims (from userinfo) over the claims', () => {
    expect(identityOf({ sub: 'u1', groups: ['a'] }, ['b']).groups).toEqual(['b']);
  });

  it('refuses claims without a subject', () => {
    expect(() => identityOf({ preferred_username: 'bob' })).toThrow('claims without sub');
  });

  it.each([
    [
      ['a', 1, 'b'],
      ['a', 'b'],
    ],
    ['admins', ['admins']],
    ['', []],
    [undefined, undefined],
    [42, undefined],
  ])('reads groups %j as %j', (claim, groups) => {
    expect(groupsOf(claim)).toEqual(groups);
  });
});
