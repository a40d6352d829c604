import { describe, expect, it } from 'vitest';
import { hostnamesFor, intersect } from '../../src/index/hostnames.ts';

describe('Gateway API hostname rules', () => {
  it.each([
    ['a.example.com', 'a.example.com', 'a.example.com'],
    ['a.example.com', 'b.example.com', null],
    ['a.example.com', '*.example.com', 'a.example.com'],
    ['a.b.example.com', '*.example.com', 'a.b.example.com'],
    ['example.com', '*.example.com', null],
    ['*.example.com', 'a.example.com', 'a.example.com'],
    ['*.example.com', '*.example.com', '*.example.com'],
    ['*.apps.example.com', '*.example.com', '*.apps.example.com'],
    ['*.example.com', '*.apps.example.com', '*.apps.example.com'],
    ['*.example.com', '*.example.org', null],
  ])('route %s on listener %s -> %s', (r, l, out) => {
    expect(intersect(r, l)).toBe(out);
  });
  it('inherits the listener hostname when the route has none, and normalises case and final dots', () => {
    expect(hostnamesFor([], '*.Example.com.')).toEqual(['*.example.com']);
    expect(hostnamesFor(['PDF.example.com.'], undefined)).toEqual(['pdf.example.com']);
    expect(hostnamesFor([], undefined)).toEqual([]);
  });
});
