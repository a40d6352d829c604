import { type GatewayApiSnapshot, type GatewayApiSource, type HTTPRoute, keyOf } from '@horizon/shared';
import { compilePolicy, type Policy } from './policies.ts';
import type { PolicyTable } from './table.ts';

/** Annotations on an HTTPRoute that make its hostnames a policy, so an app's auth sits beside its route. */
export const ANNOTATION = {
  groups: 'horizon.io/auth-groups',
  users: 'horizon.io/auth-users',
  emails: 'horizon.io/auth-emails',
  publicPaths: 'horizon.io/auth-public-paths',
  publicMethods: 'horizon.io/auth-public-methods',
  /** `"true"` with no other annotation: any signed-in user. */
  required: 'horizon.io/auth',
} as const;

const list = (text: string | undefined): string[] =>
  (text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');

/** The policy an annotated route declares, or undefined for a route without Horizon annotations. */
export function policyOfRoute(route: HTTPRoute): Policy | undefined {
  const a = route.metadata.annotations ?? {};
  if (!Object.values(ANNOTATION).some((key) => key in a)) return undefined;
  const hosts = route.spec.hostnames ?? [];
  if (hosts.length === 0) return undefined; // a route inheriting listener hostnames names none itself
  return compilePolicy(
    {
      name: `route:${keyOf(route)}`,
      hosts,
      pathPrefix: '/',
      groups: list(a[ANNOTATION.groups]),
      users: list(a[ANNOTATION.users]),
      emails: list(a[ANNOTATION.emails]),
      publicPaths: list(a[ANNOTATION.publicPaths]),
      publicMethods: list(a[ANNOTATION.publicMethods]),
    },
    'route',
  );
}

/** Policies of every annotated route in a snapshot, in a stable order. */
export function policiesFromSnapshot(snapshot: GatewayApiSnapshot): Policy[] {
  return snapshot.httpRoutes
    .map(policyOfRoute)
    .filter((p): p is Policy => p !== undefined)
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Keeps the table's route policies those of the source's annotated routes; returns the unsubscribe. */
export function followRoutePolicies(table: PolicyTable, source: GatewayApiSource): () => void {
  table.setRoutePolicies(policiesFromSnapshot(source.snapshot()));
  return source.onChange((snapshot) => table.setRoutePolicies(policiesFromSnapshot(snapshot)));
}
