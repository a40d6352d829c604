import { describe, expect, it } from 'vitest';
import { authorize, isPublic, selectPolicy } from '../../src/policy/policies.ts';
import { policy } from '../fixtures.ts';

describe('choosing a policy', () => {
  const policies = [
    policy('apps', { hosts: ['*.apps.example.com'] }),
    policy('deep', { hosts: ['*.b.apps.example.com'] }),
    policy('exact', { hosts: ['a.b.apps.example.com'] }),
    policy('exact-api', { hosts: ['a.b.apps.example.com'], pathPrefix: '/api' }),
    policy('mixed-case', { hosts: ['PDF.Example.com'] }),
  ];
  it.each([
    ['a.b.apps.example.com', '/', 'exact'],
    ['a.b.apps.example.com', '/api/x', 'exact-api'],
    ['a.b.apps.example.com', '/apix', 'exact'],
    ['c.b.apps.example.com', '/api', 'deep'],
    ['x.apps.example.com', '/', 'apps'],
    ['apps.example.com', '/', undefined],
    ['pdf.example.com', '/', 'mixed-case'],
    ['b.example.com', '/', undefined],
  ])('%s%s: %s (the most specific host, then the longest prefix)', (host, path, want) => {
    expect(selectPolicy(policies, host, path)?.name).toBe(want);
  });

  it('lets a host-less policy cover every host only when the operator named it', () => {
    const anyHost = [policy('hooks')];
    expect(selectPolicy(anyHost, 'pdf.example.com', '/')).toBeUndefined();
    expect(selectPolicy(anyHost, 'pdf.example.com', '/', true)?.name).toBe('hooks');
  });

  it('keeps the first of two equally specific policies (config before routes)', () => {
    const twins = [
      policy('first', { hosts: ['pdf.example.com'] }),
      policy('second', { hosts: ['pdf.example.com'] }),
    ];
    expect(selectPolicy(twins, 'pdf.example.com', '/')?.name).toBe('first');
  });
});

describe('who a policy lets in', () => {
  const id = { sub: 'u-bob', user: 'bob', groups: ['family'], email: 'Bob@Example.com' };
  it.each([
    [{}, true],
    [{ groups: ['family'] }, true],
    [{ groups: ['admins'] }, false],
    [{ users: ['bob'] }, true],
    [{ users: ['u-bob'] }, true],
    [{ emails: ['bob@example.com'] }, true],
    [{ emails: ['alice@example.com'] }, false],
  ])('%j: %s', (over, allowed) => {
    expect(authorize(policy('p', over), id)).toBe(allowed);
  });

  it('takes an email only when the provider did not say it is unverified', () => {
    const p = policy('p', { emails: ['bob@example.com'] });
    expect(authorize(p, { ...id, emailVerified: false })).toBe(false);
    expect(authorize(p, { ...id, emailVerified: true })).toBe(true);
  });

  it('serves public methods as sent (methods are case-sensitive) and public paths', () => {
    const p = policy('p', { publicMethods: ['options'], publicPaths: ['/health'] });
    expect([isPublic(p, 'OPTIONS', '/x'), isPublic(p, 'options', '/x')]).toEqual([true, false]);
    expect([isPublic(p, 'GET', '/health'), isPublic(p, 'GET', '/healthz')]).toEqual([true, false]);
  });
});

describe('public paths compiled once', () => {
  // The rule as the README states it, written the plain way.
  const matches = (pattern: string, path: string) =>
    pattern.endsWith('*')
      ? path.startsWith(pattern.slice(0, -1)) || `${path}/` === pattern.slice(0, -1)
      : path === pattern;
  const patterns = ['/health', '/static/*', '/api*', '/a/b/*', '/'];
  const paths = [
    '/',
    '/health',
    '/health/',
    '/healthz',
    '/static',
    '/static/',
    '/static/x.css',
    '/staticx',
    '/api',
    '/apix/y',
    '/a/b',
    '/a/b/c',
    '/a',
    '/x',
  ];

  it('matches exactly what the rule says, for every pattern and path', () => {
    const compiled = policy('p', { publicPaths: patterns });
    for (const path of paths)
      expect(compiled.publicPath(path), path).toBe(patterns.some((p) => matches(p, path)));
  });
});
