import { describe, expect, it } from 'vitest';
import { identityHeaders } from '../../src/request/identity-headers.ts';
import { authConfig } from '../auth-config.ts';

describe('identity header names', () => {
  it('finds an identity header in every spelling, and only those', () => {
    const names = identityHeaders(authConfig().headers);
    for (const name of [
      'x-auth-request-user',
      'x_auth_request_user',
      'x-auth_request-user',
      'x-forwarded-email',
      'remote_user',
    ])
      expect(names.spoofed({ accept: '*/*', [name]: 'x' }), name).toBe(name);
    const plain = {
      accept: '',
      'x-forwarded-for': '',
      'x-forwarded-proto': '',
      'x-forwarded-host': '',
      cookie: '',
    };
    expect(names.spoofed(plain)).toBeUndefined();
    const extra = identityHeaders(authConfig({ 'headers.remove': ['X-Grafana-User'] }).headers);
    expect(extra.spoofed({ x_grafana_user: 'x' })).toBe('x_grafana_user');
    expect(extra.remove).toEqual(
      expect.arrayContaining(['x-grafana-user', 'remote-user', 'x_auth_request_user']),
    );
  });
});
