import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSealer, decodeKeys } from '../../src/session/seal.ts';

const key = () => randomBytes(32).toString('base64url');

describe('sealed values', () => {
  it('open with their purpose only, and carry any JSON value', () => {
    const sealer = createSealer(decodeKeys([key()]));
    const sealed = sealer.seal('session', { sid: 's', n: [1, 2] });
    expect(sealer.open('session', sealed)).toEqual({ sid: 's', n: [1, 2] });
    expect(() => sealer.open('flow', sealed)).toThrow(expect.objectContaining({ code: 'E_SEAL' }));
    expect(sealer.seal('session', 1)).not.toBe(sealer.seal('session', 1)); // a fresh IV each time
  });

  it('rotate: the first key seals, every key opens, an unknown key opens nothing', () => {
    const [oldKey, newKey] = [key(), key()];
    const before = createSealer(decodeKeys([oldKey])).seal('p', 'v');
    const rotated = createSealer(decodeKeys([newKey, oldKey]));
    expect(rotated.open('p', before)).toBe('v');
    expect(() => createSealer(decodeKeys([oldKey])).open('p', rotated.seal('p', 'w'))).toThrow(
      'sealed by an unknown key',
    );
  });

  it('refuse anything truncated or changed', () => {
    const sealer = createSealer(decodeKeys([key()]));
    const sealed = sealer.seal('p', 'value');
    expect(() => sealer.open('p', sealed.slice(0, 20))).toThrow('too short');
    const body = Buffer.from(sealed, 'base64url');
    body[20] = (body[20] ?? 0) ^ 1;
    expect(() => sealer.open('p', body.toString('base64url'))).toThrow('does not open');
  });

  it('take keys of 32 bytes in base64 or base64url, naming the one that is not', () => {
    const bytes = randomBytes(32);
    expect(decodeKeys([bytes.toString('base64'), bytes.toString('base64url')])).toEqual([bytes, bytes]);
    expect(() => decodeKeys([key(), 'short'])).toThrow('cookie.keys[1]: a key must be 32 bytes');
    expect(() => createSealer([])).toThrow('at least one key');
  });
});
