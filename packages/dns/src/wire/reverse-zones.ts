import { isIP } from 'node:net';
import { ipv6Bytes } from './records.ts';

/**
 * The reverse zones that cover an address range, as CoreDNS's forward and dnsmasq's `rev-server`
 * turn `10.90.0.0/16` into `90.10.in-addr.arpa`. Reverse names have a label per octet (IPv4,
 * RFC 1035 §3.5) or per nibble (IPv6, RFC 3596 §2.5), so a prefix between two label boundaries
 * takes every zone of the next boundary inside it (`10.0.0.0/7` is `10.in-addr.arpa` and
 * `11.in-addr.arpa`): at most 128 for IPv4, 8 for IPv6. Returns why not, as text, for text that is
 * not a CIDR or has bits set past its prefix (a typo that would forward a wider range than meant).
 */
export function reverseZonesOf(cidr: string): string[] | string {
  const [address = '', bits, extra] = cidr.split('/');
  const version = isIP(address);
  const prefix = Number(bits);
  const width = version === 4 ? 32 : 128;
  if (version === 0 || extra !== undefined || !/^\d{1,3}$/.test(bits ?? '') || prefix > width) {
    return `"${cidr}" is not a CIDR`;
  }
  const digitBits = version === 4 ? 8 : 4;
  const digits =
    version === 4
      ? address.split('.').map(Number)
      : [...ipv6Bytes(address).toString('hex')].map((h) => Number.parseInt(h, 16));
  const whole = Math.ceil(prefix / digitBits);
  const spare = whole * digitBits - prefix; // bits of the last label the prefix leaves open
  for (let i = 0; i < digits.length; i += 1) {
    const keep = Math.min(digitBits, Math.max(0, prefix - i * digitBits));
    if (((digits[i] ?? 0) & ((1 << (digitBits - keep)) - 1)) !== 0) {
      return `"${cidr}" has bits set past its /${prefix}: write the network's own address`;
    }
  }
  const suffix = version === 4 ? 'in-addr.arpa' : 'ip6.arpa';
  const label = (d: number) => (version === 4 ? String(d) : d.toString(16));
  const zones: string[] = [];
  for (let k = 0; k < 1 << spare; k += 1) {
    const labels = digits.slice(0, whole);
    if (whole > 0) labels[whole - 1] = (labels[whole - 1] ?? 0) + k;
    zones.push([...labels.reverse().map(label), suffix].join('.'));
  }
  return zones;
}
