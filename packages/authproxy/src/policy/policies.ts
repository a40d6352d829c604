import { bestHostnameSpecificity } from '@horizon/shared';
import type { ParsedPolicy, PolicyConfig } from '../config.ts';
import type { Identity } from '../session/types.ts';
import { type NetworkRule, NO_NETWORKS } from './networks.ts';
import { underPrefix } from './readings.ts';

/** A policy ready for matching: lists turned into sets, the host patterns split. */
export interface Policy {
  name: string;
  source: 'config' | 'route';
  hosts: readonly string[];
  pathPrefix: string;
  groups: ReadonlySet<string>;
  users: ReadonlySet<string>;
  emails: ReadonlySet<string>;
  publicPaths: readonly string[];
  /** `publicPaths` compiled: exact names in a set, `/x/*` as prefixes (a check runs it on every request). */
  publicPath: (path: string) => boolean;
  /** Methods compared as sent: methods are case-sensitive (RFC 9110 9.1), `options` is not `OPTIONS`. */
  publicMethods: ReadonlySet<string>;
  /** App passwords made for this policy or its hosts pass. */
  appPasswords: boolean;
  networks: readonly string[];
  loginNetworks: readonly string[];
  /** `networks` without `loginNetworks`, compiled: true for a client that passes without a login. */
  passesWithoutLogin: NetworkRule;
  /** The folder of the app's own credentials ('' for none). */
  appCredentials: string;
  idpToken: 'none' | 'access' | 'id';
  /** Lower-cased. */
  idpTokenHeader: string;
  /** Set on a route's policy that cannot be applied (its `horizon.io/auth-policy` names none): every request is refused. */
  refusal?: 'route-policy';
}

/** `/a/*` matches `/a/` and below (and `/a`); `/a*` anything starting `/a`; anything else exactly. */
function compilePublicPaths(patterns: readonly string[]): (path: string) => boolean {
  const exact = new Set<string>();
  const prefixes: string[] = [];
  for (const p of patterns) {
    if (!p.endsWith('*')) exact.add(p);
    else {
      const prefix = p.slice(0, -1);
      prefixes.push(prefix);
      if (prefix.endsWith('/')) exact.add(prefix.slice(0, -1));
    }
  }
  return (path) => exact.has(path) || prefixes.some((prefix) => path.startsWith(prefix));
}

/** A policy ready for matching. A config policy brings its networks compiled (config-check.ts); others have none. */
export function compilePolicy(c: PolicyConfig | ParsedPolicy, source: Policy['source']): Policy {
  return {
    name: c.name,
    source,
    hosts: c.hosts.map((h) => h.toLowerCase()),
    pathPrefix: c.pathPrefix || '/',
    groups: new Set(c.groups),
    users: new Set(c.users),
    emails: new Set(c.emails.map((e) => e.toLowerCase())),
    publicPaths: c.publicPaths,
    publicPath: compilePublicPaths(c.publicPaths),
    // Configured in any case, meant as the standard methods (annotations are typed by hand).
    publicMethods: new Set(c.publicMethods.map((m) => m.toUpperCase())),
    appPasswords: c.appPasswords,
    networks: c.networks,
    loginNetworks: c.loginNetworks,
    passesWithoutLogin: 'passesWithoutLogin' in c ? c.passesWithoutLogin : NO_NETWORKS,
    appCredentials: c.appCredentials,
    idpToken: c.idpToken,
    idpTokenHeader: c.idpTokenHeader.toLowerCase(),
  };
}

/** A policy's config with every list empty (any signed-in user, on no host), `over` on top. */
export const policyConfig = (name: string, over: Partial<PolicyConfig> = {}): PolicyConfig => ({
  name,
  hosts: [],
  pathPrefix: '/',
  groups: [],
  users: [],
  emails: [],
  publicPaths: [],
  publicMethods: [],
  appPasswords: false,
  networks: [],
  loginNetworks: [],
  appCredentials: '',
  idpToken: 'none',
  idpTokenHeader: 'Authorization',
  ...over,
});

/** What a host some policy names gets on paths no policy covers (`defaultPolicy: authenticated`): any signed-in user. */
export const ANY_SIGNED_IN: Policy = compilePolicy(policyConfig('default'), 'config');

/**
 * The policy as a case-blind app reads it: prefix and public paths lower-cased, compared with a
 * lower-cased path (see `otherReadings`). Same name, so decisions can be compared by name.
 */
export function foldPolicy(p: Policy): Policy {
  const publicPaths = p.publicPaths.map((x) => x.toLowerCase());
  return {
    ...p,
    pathPrefix: p.pathPrefix.toLowerCase(),
    publicPaths,
    publicPath: compilePublicPaths(publicPaths),
  };
}

/**
 * The policy for a host and normalized path: the most specific host pattern (shared's Gateway API
 * rule: exact over wildcard, longer wildcard over shorter), then the longest prefix.
 */
export function selectPolicy(
  policies: readonly Policy[],
  host: string,
  path: string,
  /** The operator named these policies: one that lists no hosts covers every host. */
  named = false,
): Policy | undefined {
  let best: Policy | undefined;
  let bestHost = -1;
  let bestPrefix = -1;
  for (const p of policies) {
    const score = named && p.hosts.length === 0 ? 0 : bestHostnameSpecificity(p.hosts, host);
    if (score < 0 || !underPrefix(p.pathPrefix, path)) continue;
    const prefix = p.pathPrefix.length;
    if (score > bestHost || (score === bestHost && prefix > bestPrefix)) {
      best = p;
      bestHost = score;
      bestPrefix = prefix;
    }
  }
  return best;
}

/** True when the request needs no session under the policy. */
export function isPublic(policy: Policy, method: string, path: string): boolean {
  return policy.publicMethods.has(method) || policy.publicPath(path);
}

/** True when the identity may pass. No lists at all: any signed-in user. */
export function authorize(policy: Policy, id: Identity): boolean {
  if (policy.groups.size === 0 && policy.users.size === 0 && policy.emails.size === 0) return true;
  if (id.groups.some((g) => policy.groups.has(g))) return true;
  if (policy.users.has(id.sub) || policy.users.has(id.user)) return true;
  return id.email !== undefined && id.emailVerified !== false && policy.emails.has(id.email.toLowerCase());
}
