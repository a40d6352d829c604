import { type GatewayApiSnapshot, type GatewayApiSource, type HTTPRoute, keyOf } from '@horizon/shared';
import { compilePolicy, type Policy, policyConfig } from './policies.ts';
import type { PolicyTable } from './table.ts';

/** Annotations on an HTTPRoute that make its hostnames a policy, so an app's auth sits beside its route. */
export const ANNOTATION = {
  /** A configured policy by name: its rules (networks, app passwords, credentials too) for the route's hostnames. */
  policy: 'horizon.io/auth-policy',
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

/** The configured policies by name, for `horizon.io/auth-policy`. */
export type NamedPolicies = (name: string) => Policy | undefined;

/**
 * The policy an annotated route declares, or undefined for a route without Horizon annotations.
 * `horizon.io/auth-policy` applies a configured policy to the route's hostnames, under the
 * policy's own name (so an app password made for that policy works on every route naming it).
 * One that names no configured policy, or comes with other `horizon.io/auth-*` annotations (whose
 * meaning beside it nobody could guess), makes a policy that refuses every request, saying why.
 */
export function policyOfRoute(route: HTTPRoute, named: NamedPolicies = () => undefined): Policy | undefined {
  const a = route.metadata.annotations ?? {};
  const present = Object.values(ANNOTATION).filter((key) => key in a);
  if (present.length === 0) return undefined;
  const hosts = (route.spec.hostnames ?? []).map((h) => h.toLowerCase());
  if (hosts.length === 0) return undefined; // a route inheriting listener hostnames names none itself
  const name = `route:${keyOf(route)}`;
  const chosen = a[ANNOTATION.policy];
  if (chosen !== undefined) {
    const policy = present.length === 1 ? named(chosen.trim()) : undefined;
    if (!policy) return { ...compilePolicy(policyConfig(name, { hosts }), 'route'), refusal: 'route-policy' };
    return { ...policy, hosts, pathPrefix: '/', source: 'route' };
  }
  return compilePolicy(
    policyConfig(name, {
      hosts,
      groups: list(a[ANNOTATION.groups]),
      users: list(a[ANNOTATION.users]),
      emails: list(a[ANNOTATION.emails]),
      publicPaths: list(a[ANNOTATION.publicPaths]),
      publicMethods: list(a[ANNOTATION.publicMethods]),
    }),
    'route',
  );
}

/** Policies of every annotated route in a snapshot, in a stable order (by route). */
export function policiesFromSnapshot(snapshot: GatewayApiSnapshot, named?: NamedPolicies): Policy[] {
  return [...snapshot.httpRoutes]
    .sort((a, b) => keyOf(a).localeCompare(keyOf(b)))
    .map((route) => policyOfRoute(route, named))
    .filter((p): p is Policy => p !== undefined);
}

/** Keeps the table's route policies those of the source's annotated routes; returns the unsubscribe. */
export function followRoutePolicies(table: PolicyTable, source: GatewayApiSource): () => void {
  table.setRoutePolicies(policiesFromSnapshot(source.snapshot(), table.named));
  return source.onChange((snapshot) => table.setRoutePolicies(policiesFromSnapshot(snapshot, table.named)));
}
