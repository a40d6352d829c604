import { isIP } from 'node:net';
import type { Gateway } from '@horizon/shared';

/**
 * A Gateway's addresses, in order of authority: the config's override, then `status.addresses`
 * (what the controller and Cilium LB-IPAM actually assigned), then `spec.addresses` when status is
 * not available (manifests). Only IP addresses: a Hostname-type address cannot go in an A record.
 */
export function addressesOf(
  gateway: Gateway | undefined,
  override: readonly string[],
  useSpec: boolean,
): string[] {
  if (override.length > 0) return [...override];
  if (!gateway) return [];
  const pick = (list: readonly { type?: string; value: string }[] | undefined) =>
    (list ?? [])
      .filter((a) => (a.type ?? 'IPAddress') === 'IPAddress' && isIP(a.value) !== 0)
      .map((a) => a.value);
  const fromStatus = pick(gateway.status?.addresses);
  if (fromStatus.length > 0 || !useSpec) return fromStatus;
  return pick(gateway.spec?.addresses);
}
