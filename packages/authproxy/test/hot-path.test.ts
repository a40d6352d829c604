import { createMetricsRegistry } from '@horizon/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthApp } from '../src/app.ts';
import { compilePolicy } from '../src/policy/policies.ts';
import { readTarget } from '../src/request/target.ts';
import { cacheSessions } from '../src/session/cache.ts';
import { createRecent } from '../src/session/recent.ts';
import { createSealer, decodeKeys } from '../src/session/seal.ts';
import type { Session, SessionStore } from '../src/session/types.ts';
import { authConfig, KEY, startApp } from './helpers.ts';

const NOW = 1_800_000_000;
const session = (sid: string): Session => ({
  sid,
  sub: `u-${sid}`,
  user: sid,
  groups: ['family'],
  host: 'pdf.localhost',
  createdAt: NOW - 10,
  renewedAt: NOW - 10,
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
    const policy = compilePolicy(
      {
        name: 'p',
        hosts: [],
        pathPrefix: '/',
        groups: [],
        users: [],
        emails: [],
        publicPaths: patterns,
        publicMethods: [],
      },
      'config',
    );
    for (const path of paths)
      expect(policy.publicPath(path), path).toBe(patterns.some((p) => matches(p, path)));
  });
});

describe('the verified-session cache', () => {
  const fakeStore = (sessions: Record<string, Session>) => {
    const reads: string[] = [];
    const store: SessionStore = {
      create: async () => '',
      read: (value) => {
        reads.push(value);
        return sessions[value];
      },
      renew: () => undefined,
      revoke: async () => undefined,
      close: async () => undefined,
    };
    return { store, reads };
  };
  const lifetimes = { idleSeconds: 3600, absoluteSeconds: 7200 };
  const tail = 'T'.repeat(32);
  const a = `${'a'.repeat(100)}${tail}`;
  const b = `${'b'.repeat(100)}${tail}`; // same last 32 characters: same map key

  it('answers a known value from memory and never mixes two values that share a tail', () => {
    const { store, reads } = fakeStore({ [a]: session('alice'), [b]: session('bob') });
    const cached = cacheSessions(store, { ...lifetimes, size: 10, ttlSeconds: 60 });
    expect((cached.read(a, NOW) as Session).sid).toBe('alice');
    expect((cached.read(a, NOW) as Session).sid).toBe('alice');
    expect(reads).toEqual([a]);
    expect((cached.read(b, NOW) as Session).sid).toBe('bob'); // a miss, read from the store
    expect((cached.read(a, NOW) as Session).sid).toBe('alice');
    expect(reads).toEqual([a, b, a]);
    expect(cached.read(`x${a}`, NOW)).toBeUndefined(); // unknown to the store
  });

  it('asks the store again after ttlSeconds and forgets expired sessions', () => {
    const { store, reads } = fakeStore({ [a]: session('alice') });
    const cached = cacheSessions(store, { ...lifetimes, size: 10, ttlSeconds: 60 });
    cached.read(a, NOW);
    cached.read(a, NOW + 59);
    expect(reads).toHaveLength(1);
    cached.read(a, NOW + 60);
    expect(reads).toHaveLength(2);
    // renewedAt is NOW - 10: with 65 s of idle lifetime the session ends at NOW + 55.
    const short = cacheSessions(store, { idleSeconds: 65, absoluteSeconds: 7200, size: 10, ttlSeconds: 60 });
    expect(short.read(a, NOW + 54)).toBeDefined();
    expect(short.read(a, NOW + 55)).toBeUndefined();
    expect(reads).toHaveLength(3); // the expiry was decided from memory
  });
});

describe('the bounded map of recent sessions', () => {
  it('never holds more than max entries, and keeps the ones used since the last turn', () => {
    const recent = createRecent<number, string>(10);
    for (let i = 0; i < 1000; i += 1) {
      recent.set(i, `v${i}`);
      recent.get(0); // used all along: must survive every turn
      expect([...recent.entries()].length).toBeLessThanOrEqual(10);
    }
    expect(recent.get(0)).toBe('v0');
    expect(recent.get(999)).toBe('v999');
    expect(recent.get(1)).toBeUndefined(); // not used since: gone
  });

  it('replaces, deletes, and lists each key once', () => {
    const recent = createRecent<string, number>(4);
    recent.set('a', 1);
    recent.set('b', 2); // young is full (max / 2): a and b age
    recent.set('a', 3); // an aged key set again moves back, not twice
    expect(recent.get('a')).toBe(3);
    expect([...recent.entries()].map(([k]) => k).sort()).toEqual(['a', 'b']);
    recent.delete('b');
    expect(recent.get('b')).toBeUndefined();
    expect([...recent.entries()]).toEqual([['a', 3]]);
  });
});

describe('a check with a known session', () => {
  let auth: AuthApp;
  const cookie = createSealer(decodeKeys([KEY])).seal('session', session('bob'));
  beforeAll(async () => {
    auth = await startApp(authConfig(), { now: () => NOW, registry: createMetricsRegistry('authproxy') });
  });
  afterAll(() => auth.app.close());

  it('is answered without a promise once the session is cached, and counted', async () => {
    const raw = {
      method: 'GET',
      url: '/doc',
      headers: { host: 'pdf.localhost', cookie: `horizon=${cookie}`, accept: 'text/html' },
      cookies: { horizon: cookie },
      peer: '127.0.0.1',
    };
    expect((await auth.check(raw)).status).toBe(200);
    const again = auth.check(raw);
    expect(again).not.toBeInstanceOf(Promise);
    expect((again as { reason: string }).reason).toBe('session');
  });

  it('is written by hand as fastify would: a sized empty body, every header line, for GET and HEAD', async () => {
    for (const method of ['GET', 'HEAD'] as const) {
      const res = await auth.app.inject({
        method,
        url: '/doc',
        headers: { host: 'pdf.localhost', cookie: `horizon=${cookie}`, accept: 'text/html' },
      });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-length']).toBe('0');
      expect(res.headers['transfer-encoding']).toBeUndefined();
      expect(res.headers['x-auth-request-user']).toBe('bob');
      expect(res.headers['x-auth-request-groups']).toBe('family');
      expect(res.body).toBe('');
    }
    const page = await auth.app.inject({
      method: 'GET',
      url: '/doc',
      headers: { host: 'nowhere.localhost' },
    });
    expect(Number(page.headers['content-length'])).toBe(Buffer.byteLength(page.body));
    expect(page.body.length).toBeGreaterThan(0);
  });
});
