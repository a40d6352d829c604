import { describe, expect, it } from 'vitest';
import { reverseZonesOf } from '../../src/wire/reverse-zones.ts';

describe('reverseZonesOf (a rule CIDR to the reverse zones it covers)', () => {
  it.each([
    ['10.90.0.0/16', ['90.10.in-addr.arpa']],
    ['10.90.3.0/24', ['3.90.10.in-addr.arpa']],
    ['10.0.0.0/8', ['10.in-addr.arpa']],
    ['192.168.1.7/32', ['7.1.168.192.in-addr.arpa']],
    ['10.0.0.0/15', ['0.10.in-addr.arpa', '1.10.in-addr.arpa']], // between boundaries: every zone of the next
    ['10.0.0.0/7', ['10.in-addr.arpa', '11.in-addr.arpa']],
    ['172.16.0.0/12', Array.from({ length: 16 }, (_, i) => `${16 + i}.172.in-addr.arpa`)],
    ['0.0.0.0/0', ['in-addr.arpa']],
    ['fd00::/8', ['d.f.ip6.arpa']],
    ['fd12:3456::/32', ['6.5.4.3.2.1.d.f.ip6.arpa']],
    ['fc00::/7', ['c.f.ip6.arpa', 'd.f.ip6.arpa']],
  ])('%s', (cidr, zones) => {
    expect(reverseZonesOf(cidr)).toEqual(zones);
  });

  it('covers a /25 with a zone per address: never the whole /24, which holds addresses outside it', () => {
    const zones = reverseZonesOf('10.90.3.128/25');
    expect(zones).toHaveLength(128);
    expect([zones[0], zones[127]]).toEqual(['128.3.90.10.in-addr.arpa', '255.3.90.10.in-addr.arpa']);
  });

  it.each([
    ['10.90.0.0', 'is not a CIDR'],
    ['10.90.0.0/33', 'is not a CIDR'],
    ['10.90.0.0/x', 'is not a CIDR'],
    ['10.90.0.0/16/1', 'is not a CIDR'],
    ['internal/8', 'is not a CIDR'],
    ['10.90.3.0/16', 'has bits set past its /16'],
    ['fd00::1/64', 'has bits set past its /64'],
  ])('refuses %s', (cidr, why) => {
    expect(reverseZonesOf(cidr)).toEqual(expect.stringContaining(why));
  });
});
