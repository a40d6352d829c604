import { describe, expect, it } from 'vitest';
import { appCookies } from '../src/reply/app-cookies.ts';
import { parseAuthority } from '../src/request/host.ts';
import { identityHeaders } from '../src/request/identity-headers.ts';
import { createBreaker } from '../src/session/breaker.ts';
import { authConfig } from './helpers.ts';

describe('small rules, one at a time', () => {
  it.each([
    ['pdf.localhost', 'https', 'pdf.localhost', 'pdf.localhost'],
    ['PDF.Example.COM:8443', 'https', 'pdf.example.com:8443', 'pdf.example.com'],
    ['pdf.example.com:443', 'https', 'pdf.example.com', 'pdf.example.com'],
    ['pdf.example.com:80', 'http', 'pdf.example.com', 'pdf.example.com'],
    ['pdf.example.com:80', 'https', 'pdf.example.com:80', 'pdf.example.com'],
    ['127.0.0.1:8080', 'http', '127.0.0.1:8080', '127.0.0.1'],
    ['[::1]:8080', 'http', '[::1]:8080', '[::1]'],
    ['my_host.lan', 'http', 'my_host.lan', 'my_host.lan'],
  ] as const)('Host %s (%s) is %s, hostname %s', (value, scheme, host, hostname) => {
    expect(parseAuthority(value, scheme)).toEqual({ host, hostname });
  });

  it.each([
    'pdf.localhost:8080@evil.example',
    'user@pdf.localhost',
    'pdf.localhost/x',
    'pdf.localhost evil',
    'pdf.localhost, evil.example',
    'pdf.localhost.',
    'pdf.localhost:',
    'pdf.localhost:0',
    'pdf.localhost:65536',
    '-pdf.localhost',
    '[::1',
    '[not-v6]',
    '',
    'é.example',
  ])('Host %j is no plain host', (value) => {
    expect(parseAuthority(value, 'https')).toBeUndefined();
  });

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

  it.each([
    [undefined, undefined],
    ['horizon=s', ''],
    ['app=1', 'app=1'],
    ['app=1; horizon=s; b=2', 'app=1; b=2'],
    ['horizon-flow-abcdefghijklmnop=f;app=1', 'app=1'],
    ['horizonx=1; horizon=s', 'horizonx=1'],
    ['a=1;;  ; b=2', 'a=1; b=2'],
  ])('the app sees %j as %j', (header, want) => {
    expect(appCookies(header, 'horizon', 'horizon-flow-')).toBe(want);
  });

  it('opens the breaker after three failures, fails at once while open, tries once after, closes on success', async () => {
    let t = 0;
    const breaker = createBreaker({ failures: 3, openMs: 2000, now: () => t });
    let calls = 0;
    const fail = () =>
      breaker.run(async () => {
        calls += 1;
        throw new Error('down');
      });
    for (let i = 0; i < 3; i++) await expect(fail()).rejects.toThrow('down');
    expect(breaker.available()).toBe(false);
    await expect(fail()).rejects.toMatchObject({ code: 'E_SESSION_STORE' });
    expect(calls).toBe(3);
    t = 2000;
    expect(breaker.available()).toBe(true);
    await expect(fail()).rejects.toThrow('down'); // the one try: still down
    await expect(breaker.run(async () => 'up')).rejects.toMatchObject({ code: 'E_SESSION_STORE' });
    t = 4000;
    await expect(breaker.run(async () => 'up')).resolves.toBe('up');
    expect(breaker.available()).toBe(true);
  });
});

describe('config checks of this issue', () => {
  it.each([
    [{ policyPathPrefix: '/_policy/' }, 'policyPathPrefix'],
    [{ policyPathPrefix: '/_policy-short/' }, 'policyPathPrefix'],
    [{ trustedProxies: ['10.0.0.0/33'] }, 'trustedProxies'],
    [{ trustedProxies: ['10.0.0.0/'] }, 'trustedProxies'],
    [{ trustedProxies: ['nginx'] }, 'trustedProxies'],
    [{ 'headers.remove': ['Cookie'] }, 'headers.remove'],
    [{ 'headers.remove': ['X_Grafana_User'] }, 'headers.remove'],
  ])('refuses %j, naming %s', (overrides, key) => {
    expect(() => authConfig(overrides)).toThrow(key);
  });
  it('takes an unguessable policy prefix and plain ranges', () => {
    expect(() =>
      authConfig({
        policyPathPrefix: '/_policy-3f9c2a7b1e8d4c60/',
        trustedProxies: ['10.0.0.0/8', 'fd00::/8', '127.0.0.1'],
      }),
    ).not.toThrow();
  });
});
