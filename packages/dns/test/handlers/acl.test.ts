import { cidrMatcher } from '@horizon/shared';
import { describe, expect, it } from 'vitest';
import { createAcl, rememberVerdicts } from '../../src/handlers/acl.ts';
import { RCODE } from '../../src/wire/constants.ts';
import { queryOf } from '../queries.ts';

describe('rememberVerdicts', () => {
  it("gives the same verdicts as shared's cidrMatcher across more distinct clients than it remembers", () => {
    const m = rememberVerdicts(cidrMatcher(['10.0.0.0/16']));
    for (let i = 0; i < 10_000; i += 1) {
      const address = `10.${i % 3}.${(i >> 8) & 255}.${i & 255}`;
      expect(m(address)).toBe(i % 3 === 0);
    }
  });
});

describe('acl', () => {
  const refused: string[] = [];
  const acl = createAcl({
    allowed: rememberVerdicts(cidrMatcher(['127.0.1.0/24'])),
    onRefused: () => refused.push('x'),
  });
  const next = () => Buffer.from('next');

  it('passes allowed clients on', () => {
    expect(acl(queryOf('example.org', 1, 1, { client: '127.0.1.9' }), next)).toEqual(Buffer.from('next'));
    expect(refused).toHaveLength(0);
  });

  it('refuses everyone else, for every name, with the ID and question echoed, and counts it', () => {
    for (const name of ['id.home.example.com', 'example.org']) {
      const out = acl(queryOf(name, 1, 1, { client: '127.0.2.9', id: 4242 }), next) as Buffer;
      expect(out[3] && out[3] & 0xf).toBe(RCODE.REFUSED);
      expect(out.readUInt16BE(0)).toBe(4242);
      expect(out.readUInt16BE(4)).toBe(1);
    }
    expect(refused).toHaveLength(2);
  });
});
