import { BlockList, isIP } from 'node:net';
import { HorizonError } from '../errors.ts';

/**
 * A set of address ranges (`10.0.0.0/8`, `fd00::/8`, or a bare address), parsed once into a
 * matcher. IPv4-mapped IPv6 addresses (`::ffff:10.0.0.1`, what a dual-stack socket reports for an
 * IPv4 peer) match their IPv4 ranges; anything that is not an address matches nothing.
 * Throws E_CONFIG_INVALID naming the first entry that is not a range, with `what` as the key.
 */
export function cidrMatcher(cidrs: readonly string[], what = 'CIDR'): (address: string) => boolean {
  const list = new BlockList();
  for (const cidr of cidrs) {
    const [net = '', bits, extra] = cidr.split('/');
    const version = isIP(net);
    const max = version === 6 ? 128 : 32;
    const prefix = bits === undefined ? max : Number(bits);
    if (
      version === 0 ||
      extra !== undefined ||
      (bits !== undefined && !/^\d{1,3}$/.test(bits)) ||
      prefix > max
    ) {
      throw new HorizonError('E_CONFIG_INVALID', `${what}: "${cidr}" is not an address or CIDR`);
    }
    list.addSubnet(net, prefix, version === 6 ? 'ipv6' : 'ipv4');
  }
  return (address) => {
    const plain = address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
    const version = isIP(plain);
    return version !== 0 && list.check(plain, version === 6 ? 'ipv6' : 'ipv4');
  };
}

/**
 * The block a client address stands for when counting what one client does: an IPv4 address
 * itself (an IPv4-mapped IPv6 one unmapped), an IPv6 address its /64, the smallest network a
 * host is given (RFC 6177): a client rotating through its own /64 is still one client. Lower-case
 * and expanded (`2001:db8:0:1::/64`), so one block has one spelling. Anything else as it came.
 */
export function clientBlock(address: string): string {
  const plain = address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
  if (isIP(plain) !== 6) return plain;
  const [head = '', tail] = plain.toLowerCase().split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  // An embedded IPv4 tail (::ffff:a.b.c.d forms other than the mapped one) sits past the /64.
  const groups = [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
