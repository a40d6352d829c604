import { describe, expect, it } from 'vitest';
import { headerSafe, htmlPage, redirect, unauthorized, wireHeaders } from '../../src/reply/reply.ts';

describe('replies', () => {
  it('writes header lines flat, repeated names included, with the body length (so no chunking)', () => {
    const reply = {
      status: 200,
      headers: { a: '1', 'set-cookie': ['x=1', 'y=2'] },
      body: 'héllo',
      reason: 'r',
    };
    expect(wireHeaders(reply)).toEqual([
      'a',
      '1',
      'set-cookie',
      'x=1',
      'set-cookie',
      'y=2',
      'content-length',
      '6',
    ]);
    const ready = Object.freeze(['b', '2']);
    expect(wireHeaders({ ...reply, wire: ready })).toBe(ready);
  });

  it('percent-encodes what is not visible ASCII in a header value, and % itself', () => {
    expect(headerSafe('Zoë 100%')).toBe('Zo%C3%AB 100%25');
    expect(headerSafe('plain-value_1')).toBe('plain-value_1');
  });

  it('redirects with 302 and no-store, with cookies only when there are some', () => {
    expect(redirect('https://a/', [], 'login')).toEqual({
      status: 302,
      headers: { location: 'https://a/', 'cache-control': 'no-store' },
      body: '',
      reason: 'login',
    });
    expect(redirect('https://a/', ['c=1'], 'login').headers['set-cookie']).toEqual(['c=1']);
  });

  it('makes pages that load nothing and cannot be framed, extra headers on top', () => {
    const page = htmlPage(403, 'No <b>', 'Text & more', 'forbidden', { 'retry-after': '5' });
    expect(page.headers).toMatchObject({
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'retry-after': '5',
    });
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(page.body).toContain('<title>No &#60;b&#62;</title>');
  });

  it('challenges API clients with Bearer (RFC 6750 3), the realm made header-safe', () => {
    expect(unauthorized('pdf.localhost', 'unauthenticated').headers['www-authenticate']).toBe(
      'Bearer realm="pdf.localhost"',
    );
    expect(unauthorized('[::1]', 'bad-token', 'invalid_token')).toMatchObject({
      status: 401,
      reason: 'bad-token',
      headers: { 'www-authenticate': 'Bearer realm="[::1]", error="invalid_token"' },
    });
  });
});
