import { cidrMatcher } from '@horizon/shared';

/** True when a client at `address` passes without a login. */
export type NetworkRule = (address: string) => boolean;

/** The rule of a policy without networks: every client signs in. */
export const NO_NETWORKS: NetworkRule = () => false;

/**
 * A policy's client networks, compiled once (shared's cidrMatcher): a client passes without a
 * login when its address is in `networks` and not in `loginNetworks` (the owner's exceptions,
 * such as a guest Wi-Fi inside the LAN). Throws E_CONFIG_INVALID naming `key` for a bad CIDR.
 */
export function networkRule(
  networks: readonly string[],
  loginNetworks: readonly string[],
  key: string,
): NetworkRule {
  if (networks.length === 0) {
    cidrMatcher(loginNetworks, `${key}.loginNetworks`); // still refuse a bad one
    return NO_NETWORKS;
  }
  const pass = cidrMatcher(networks, `${key}.networks`);
  const login = cidrMatcher(loginNetworks, `${key}.loginNetworks`);
  return (address) => pass(address) && !login(address);
}
