import { describe, expect, it } from 'vitest';
import { suffixMatch } from '../../src/upstream/routing.ts';

describe('suffixMatch (conditional forwarding: the longest domain wins)', () => {
  const match = suffixMatch([
    ['', 'default'],
    ['internal', 'udm'],
    ['lab.internal', 'lab'],
    ['90.10.in-addr.arpa', 'udm-reverse'],
    ['example.org', 'example'],
    ['internal', 'second'], // a twin: the first entry wins
  ]);
  it.each([
    ['internal', 'udm'], // the domain itself
    ['nas.internal', 'udm'],
    ['a.b.c.internal', 'udm'], // any depth below
    ['lab.internal', 'lab'], // the longer domain wins
    ['x.lab.internal', 'lab'],
    ['xlab.internal', 'udm'], // a label boundary, not a string suffix
    ['notinternal', 'default'],
    ['internal.example.com', 'default'], // the suffix, never a prefix or middle
    ['4.3.90.10.in-addr.arpa', 'udm-reverse'],
    ['4.3.91.10.in-addr.arpa', 'default'],
    ['in-addr.arpa', 'default'],
    ['www.example.org', 'example'],
    ['example.org.evil.net', 'default'],
    ['', 'default'], // the root
    ['com', 'default'],
  ])('%s -> %s', (name, expected) => {
    expect(match(name)).toBe(expected);
  });

  it('without a root entry, a name no domain covers has no match', () => {
    const only = suffixMatch([['internal', 1]]);
    expect([only('a.internal'), only('internal'), only('example.com'), only('')]).toEqual([
      1,
      1,
      undefined,
      undefined,
    ]);
  });

  it('with the root alone, or nothing, every name gets the same', () => {
    expect(suffixMatch([['', 'all']])('a.b.c')).toBe('all');
    expect(suffixMatch<string>([])('a.b.c')).toBeUndefined();
  });

  it('a domain whose value is undefined lets a shorter one answer', () => {
    const m = suffixMatch<string | undefined>([
      ['', 'root'],
      ['home.example.com', undefined],
    ]);
    expect(m('x.home.example.com')).toBe('root');
  });
});
