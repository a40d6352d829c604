import { describe, expect, it } from 'vitest';
import { otherReadings, underPrefix } from '../../src/policy/readings.ts';

describe('how policies read a path', () => {
  it.each([
    ['/', '/anything', true],
    ['/api', '/api', true],
    ['/api', '/api/x', true],
    ['/api/', '/api/x', true],
    ['/api/', '/api', true],
    ['/api', '/apix', false],
    ['/api', '/', false],
  ])('prefix %s covers %s: %s', (prefix, path, covers) => {
    expect(underPrefix(prefix, path)).toBe(covers);
  });

  it('has no other reading of a plain lower-case path', () => {
    expect(otherReadings('/static/a.css', [])).toEqual([]);
  });

  it('reads a path case folded and without ;params, and each spelling the same ways', () => {
    expect(otherReadings('/A;x/b', [])).toEqual([
      { path: '/A/b', folded: false },
      { path: '/a;x/b', folded: true },
      { path: '/a/b', folded: true },
    ]);
    expect(otherReadings('/a b', ['/a%20b', '/A%20B'])).toEqual([
      { path: '/a%20b', folded: false },
      { path: '/A%20B', folded: false },
      { path: '/a%20b', folded: true },
    ]);
  });
});
