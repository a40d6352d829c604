import { describe, expect, it } from 'vitest';
import { readTarget } from '../../src/request/target.ts';

describe('path reading (what the proxy routes on and the app reads, or a refusal)', () => {
  it.each([
    ['/static/app.css', '/static/app.css'],
    ['//static//a.css', '/static/a.css'],
    ['/static/a.css?x=/../../admin', '/static/a.css'],
    ['/static/a%20b.css', '/static/a b.css'],
    ['/%61dmin/x', '/admin/x'],
    ['/100%25.txt', '/100%.txt'],
    ['/caf%C3%A9', '/café'],
    ['/a%2ecss', '/a.css'],
    ['/x;jsessionid=1', '/x;jsessionid=1'],
  ])('%s reads as %s', (raw, want) => {
    expect(readTarget(raw).path).toBe(want);
  });
  it.each([
    ['/static/x#/../../admin', 'fragment'],
    ['/admin%252f..%252fusers', 'double-encoding'],
    ['/admin/%252e%252e/users', 'double-encoding'],
    ['/admin\\..\\users', 'bad-character'],
    ['/admin%5c..%5cusers', 'encoded-slash'],
    ['/static/..%2fadmin', 'encoded-slash'],
    ['/static/%2e%2e/admin', 'dot-segment'],
    ['/static/../admin', 'dot-segment'],
    ['/static/./a.css', 'dot-segment'],
    ['/static/..;/admin', 'dot-segment'],
    ['/static/%zz', 'bad-escape'],
    ['/%c0%ae%c0%ae/admin', 'bad-escape'],
    ['/static/%00/a', 'bad-character'],
    ['/static/a\nb', 'bad-character'],
    ['/caf\u00e9', 'bad-character'],
    ['static/a', 'not-origin-form'],
    ['http://strict.localhost/x', 'not-origin-form'],
  ])('%s is refused (%s)', (raw, why) => {
    expect(readTarget(raw)).toEqual({ refused: why });
  });
});

describe('the shortcut of path reading', () => {
  // A seeded generator over the characters that matter, so a failure is reproducible.
  let seed = 42;
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed;
  };
  const parts = [
    '/',
    'a',
    'B.c',
    '.',
    '..',
    '%2e',
    '%2f',
    '%25',
    ';x',
    '\\',
    '?q=/..',
    '//',
    '%41',
    '%zz',
    '#',
    '~',
    'é',
  ];
  const corpus = Array.from({ length: 5000 }, () => {
    let p = '/';
    for (let i = next() % 8; i > 0; i -= 1) p += parts[next() % parts.length];
    return p;
  });

  /** The rule as the README states it, the plain way: decode once, refuse what reads two ways, merge `//`. */
  const plainly = (target: string): string | undefined => {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing them is the rule
    if (/[#\\\u0000-\u0020"<>\u007f-\uffff]/.test(target)) return undefined;
    const raw = target.split('?')[0] as string;
    if (/%2f|%5c/i.test(raw)) return undefined;
    let decoded: string;
    try {
      if (/%(?![0-9a-f]{2})/i.test(raw)) return undefined;
      decoded = decodeURIComponent(raw);
    } catch {
      return undefined;
    }
    // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing them is the rule
    if (/[\u0000-\u001f\u007f]|%[0-9a-f]{2}/i.test(decoded)) return undefined;
    if (decoded.split('/').some((s) => ['.', '..'].includes(s.split(';')[0] as string))) return undefined;
    return decoded.replace(/\/+/g, '/');
  };

  it('answers exactly what the plain rule answers, for every generated path', () => {
    for (const p of corpus) expect(readTarget(p).path, p).toBe(plainly(p));
  });
});
