import { describe, expect, it } from 'vitest';
import {
  bestHostnameSpecificity,
  hostnameMatches,
  hostnameSpecificity,
  isWildcardHostname,
  wildcardCovers,
} from '../../src/gateway-api/hostnames.ts';

describe('Gateway API hostname patterns', () => {
  it.each([
    ['*.example.com', 'a.example.com', true],
    ['*.example.com', 'a.b.example.com', true],
    ['*.example.com', 'example.com', false],
    ['*.example.com', 'aexample.com', false],
    ['*.example.com', '.example.com', false],
    ['*.example.com', 'example.com.evil', false],
    ['*.apps.example.com', '*.x.apps.example.com', true],
  ])('%s covers %s: %s', (wildcard, name, covers) => {
    expect(wildcardCovers(wildcard, name)).toBe(covers);
  });

  it('tells a wildcard from a name', () => {
    expect([isWildcardHostname('*.example.com'), isWildcardHostname('example.com')]).toEqual([true, false]);
    expect(isWildcardHostname('*')).toBe(false); // not a Gateway API wildcard: an exact (odd) name
  });

  it.each([
    ['pdf.example.com', 'pdf.example.com', true],
    ['pdf.example.com', 'xpdf.example.com', false],
    ['pdf.example.com', 'a.pdf.example.com', false],
    ['*.example.com', 'pdf.example.com', true],
    ['*.example.com', 'example.com', false],
    ['*', 'pdf.example.com', false],
  ])('%s names %s: %s', (pattern, name, matches) => {
    expect(hostnameMatches(pattern, name)).toBe(matches);
  });

  it('ranks an exact name over every wildcard, and a longer wildcard over a shorter', () => {
    const name = 'a.apps.example.com';
    const exact = hostnameSpecificity(name, name);
    const long = hostnameSpecificity('*.apps.example.com', name);
    const short = hostnameSpecificity('*.example.com', name);
    expect([long, short]).toEqual(['.apps.example.com'.length, '.example.com'.length]);
    const longest = `*${'.a'.repeat(126)}`; // a suffix of 252 characters, the longest a name allows
    expect(exact).toBeGreaterThan(hostnameSpecificity(longest, `b${longest.slice(1)}`));
    expect(hostnameSpecificity('*.other.com', name)).toBe(-1);
    // No match ranks below a host-less pattern list's 0 (callers use 0 for "any host").
    expect(hostnameSpecificity('b.example.com', name)).toBeLessThan(0);
  });

  it('finds the best of a list, or -1', () => {
    const patterns = ['*.example.com', 'a.apps.example.com', '*.apps.example.com'];
    expect(bestHostnameSpecificity(patterns, 'a.apps.example.com')).toBe(hostnameSpecificity('x', 'x'));
    expect(bestHostnameSpecificity(patterns, 'b.apps.example.com')).toBe('.apps.example.com'.length);
    expect(bestHostnameSpecificity(patterns, 'b.example.com')).toBe('.example.com'.length);
    expect(bestHostnameSpecificity(patterns, 'example.com')).toBe(-1);
    expect(bestHostnameSpecificity([], 'example.com')).toBe(-1);
  });
});
