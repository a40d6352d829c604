import { describe, expect, it } from 'vitest';
import { cidrMatcher, clientBlock } from '../../src/net/cidr.ts';

describe('cidrMatcher', () => {
  const m = cidrMatcher(['10.0.0.0/8', '192.168.1.7', 'fd00::/8', '::1']);
  it.each([
    ['10.90.3.202', true],
    ['11.0.0.1', false],
    ['192.168.1.7', true], // a bare address is a /32
    ['192.168.1.8', false],
    ['fd12::1', true],
    ['fe80::1', false],
    ['::1', true], // and a /128
    ['::2', false],
    ['::ffff:10.1.2.3', true], // an IPv4 peer on a dual-stack socket
    ['::ffff:11.1.2.3', false],
    ['not-an-address', false],
    ['', false],
  ])('%s -> %s', (address, expected) => {
    expect(m(address)).toBe(expected);
  });

  it.each(['10.0.0.0/33', 'fd00::/129', 'not-an-address', '10.0.0.0/8/8', '10.0.0.0/x', '10.0.0.0/'])(
    'refuses %s with E_CONFIG_INVALID, naming the key and the entry',
    (cidr) => {
      expect(() => cidrMatcher(['10.0.0.0/8', cidr], 'acl.allow')).toThrow(
        expect.objectContaining({
          code: 'E_CONFIG_INVALID',
          message: `acl.allow: "${cidr}" is not an address or CIDR`,
        }),
      );
    },
  );
});

describe('clientBlock', () => {
  it.each([
    ['10.90.3.7', '10.90.3.7'],
    ['::ffff:10.90.3.7', '10.90.3.7'], // an IPv4 peer on a dual-stack socket
    ['2001:DB8:0:1:aaaa:bbbb:cccc:dddd', '2001:db8:0:1::/64'],
    ['2001:db8:0:1::2', '2001:db8:0:1::/64'], // the same /64, another spelling
    ['2001:0db8:0000:0001:0:0:0:9', '2001:db8:0:1::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['64:ff9b::10.0.0.1', '64:ff9b:0:0::/64'],
    ['unknown', 'unknown'],
  ])('%s counts as %s', (address, block) => expect(clientBlock(address)).toBe(block));
});
