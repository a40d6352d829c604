import type { KindName } from '@horizon/shared';

/**
 * The kinds DNS reads: routes and their Gateways, LoadBalancer Services, DNSEndpoints (a CRD a
 * cluster may lack: the source logs it once and serves the rest), and Namespaces, whose labels
 * decide which routes a `from: Selector` listener admits. The ClusterRole in deploy/ grants
 * exactly these, list and watch (test/deploy/deploy.test.ts).
 */
export const DNS_KINDS: readonly KindName[] = [
  'gateways',
  'httproutes',
  'grpcroutes',
  'services',
  'namespaces',
  'dnsendpoints',
];
