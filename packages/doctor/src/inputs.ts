import { type Gateway, type GatewayApiSnapshot, gatewayRefsOf, type HTTPRoute, keyOf } from '@horizon/shared';
import type { DnsServer } from './dns-query.ts';

/** Everything the checks read: the cluster's objects and the addresses and names given. */
export interface DoctorInputs {
  snapshot: GatewayApiSnapshot;
  /** Objects from a manifest folder carry no status: the controller's verdicts cannot be read. */
  fromManifests: boolean;
  /** The internal Gateway, `namespace/name`. */
  gateway: string;
  zone: string;
  router: DnsServer | undefined;
  horizon: DnsServer | undefined;
  issuer: string | undefined;
  clientId: string | undefined;
  /** The name of Horizon auth's Service, as SecurityPolicies' backendRefs name it. */
  authService: string;
  callbackPath: string;
  timeoutMs: number;
  fetch: typeof fetch;
}

/** The routes attached to a Gateway (by parentRef; acceptance is another check's business). */
export function routesOn(snapshot: GatewayApiSnapshot, gateway: string): HTTPRoute[] {
  return snapshot.httpRoutes.filter((r) => gatewayRefsOf(r).some((ref) => ref.gateway === gateway));
}

/** Exact hostnames (wildcards cannot be asked for) of the routes on a Gateway, in the zone. */
export function namesOn(snapshot: GatewayApiSnapshot, gateway: string, zone: string): string[] {
  const names = routesOn(snapshot, gateway).flatMap((r) => r.spec.hostnames ?? []);
  return [...new Set(names.map((n) => n.toLowerCase()))]
    .filter((n) => !n.startsWith('*.') && (n === zone || n.endsWith(`.${zone}`)))
    .sort();
}

/** Names in the zone that only other Gateways (the external one) carry: LAN clients get them publicly. */
export function publicOnlyNames(i: DoctorInputs): string[] {
  const internal = new Set(namesOn(i.snapshot, i.gateway, i.zone));
  const others = i.snapshot.gateways.map(keyOf).filter((g) => g !== i.gateway);
  return [...new Set(others.flatMap((g) => namesOn(i.snapshot, g, i.zone)))]
    .filter((n) => !internal.has(n))
    .sort();
}

/** The internal Gateway, if the source has it. */
export const internalGateway = (i: DoctorInputs): Gateway | undefined =>
  i.snapshot.gateways.find((g) => keyOf(g) === i.gateway);

/** The zone the internal Gateway's listeners name (`*.home.example.com` -> home.example.com). */
export function zoneOf(gateway: Gateway | undefined): string | undefined {
  const hosts = (gateway?.spec.listeners ?? [])
    .map((l) => l.hostname ?? '')
    .filter((h) => h.startsWith('*.'));
  return hosts[0]?.slice(2).toLowerCase();
}
