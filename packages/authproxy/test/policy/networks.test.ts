import { describe, expect, it } from 'vitest';
import { NO_NETWORKS, networkRule } from '../../src/policy/networks.ts';

describe('client network rules', () => {
  it('lets the networks in but for the login networks inside them; IPv4 in IPv6 form too', () => {
    const pass = networkRule(['192.168.0.0/16', 'fd00::/8'], ['192.168.50.0/24'], 'policies[0]');
    expect(['192.168.1.9', '::ffff:192.168.1.9', 'fd00::5'].map(pass)).toEqual([true, true, true]);
    expect(['192.168.50.9', '10.0.0.1', '', 'x'].map(pass)).toEqual([false, false, false, false]);
  });

  it('lets no one in without networks, and names the key of a bad CIDR', () => {
    expect(networkRule([], [], 'p')).toBe(NO_NETWORKS);
    expect(() => networkRule(['10.0.0.0/33'], [], 'policies[1]')).toThrow(
      'policies[1].networks: "10.0.0.0/33"',
    );
    expect(() => networkRule([], ['x'], 'policies[2]')).toThrow('policies[2].loginNetworks: "x"');
  });
});
