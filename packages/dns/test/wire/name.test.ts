import { describe, expect, it } from 'vitest';
import { encodeName, isDnsName, nameWire, normalName, readName } from '../../src/wire/name.ts';

describe('names', () => {
  it('encodes a dotted name and reads it back lower-cased, the root as ""', () => {
    expect(encodeName('Id.Example.com')).toEqual(Buffer.from('\x02Id\x07Example\x03com\x00', 'latin1'));
    expect(readName(encodeName('Id.Example.com'), 0)).toEqual({ name: 'id.example.com', end: 16 });
    expect(encodeName('')).toEqual(Buffer.from([0]));
    expect(readName(Buffer.from([0]), 0)).toEqual({ name: '', end: 1 });
  });

  it('refuses to encode an empty or long label, or a name past 255 bytes', () => {
    expect(() => encodeName('a..b')).toThrow(RangeError);
    expect(() => encodeName(`${'x'.repeat(64)}.com`)).toThrow(RangeError);
    expect(() => encodeName(Array(128).fill('a').join('.'))).toThrow(RangeError);
  });

  it('follows compression pointers backwards only, and escapes dots and backslashes inside labels', () => {
    const message = Buffer.concat([encodeName('example.com'), Buffer.from([3, 0x77, 0x77, 0x77, 0xc0, 0])]);
    expect(readName(message, 13)).toEqual({ name: 'www.example.com', end: 19 });
    expect(nameWire(message, 13)?.wire).toEqual(encodeName('www.example.com'));
    expect(readName(Buffer.from([0xc0, 0]), 0)).toBeNull(); // a pointer to itself
    expect(readName(Buffer.from([0xc0, 2, 0]), 0)).toBeNull(); // a pointer forwards
    expect(readName(Buffer.from([3, 0x61, 0x2e, 0x5c, 0]), 0)?.name).toBe('a\\.\\\\');
  });

  it('normalises names from config: lower case, no final dot', () => {
    expect(normalName('Home.Example.COM.')).toBe('home.example.com');
    expect(normalName('*.Apps.example.com')).toBe('*.apps.example.com');
  });

  it.each([
    ['home.example.com', true],
    ['_acme-challenge.home.example.com', true],
    ['3.90.10.in-addr.arpa', true],
    ['xn--bcher-kva.example', true],
    ['bad domain!', false],
    ['', false],
    ['a..b', false],
    ['-a.example.com', false],
    ['a-.example.com', false],
    [`${'x'.repeat(64)}.com`, false],
  ])('%s is a name config may give: %s', (name, ok) => {
    expect(isDnsName(name)).toBe(ok);
  });

  it('takes names of 253 characters at most', () => {
    expect(isDnsName(Array(127).fill('a').join('.'))).toBe(true); // 253
    expect(isDnsName(`${Array(127).fill('a').join('.')}b`)).toBe(false); // 254
  });
});
