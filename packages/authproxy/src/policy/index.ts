import type { AuthConfig } from '../config.ts';
import { normalizePath } from './path.ts';
import { compilePolicy, hostScore, type Policy, selectPolicy } from './policies.ts';

/** What the policy lookup decided for one check. */
export interface PolicyMatch {
  /** The policy, or undefined when none covers the host (then `defaultPolicy` applies). */
  policy: Policy | undefined;
  /** The normalized path, or undefined when the path cannot be read unambiguously. */
  path: string | undefined;
}

/**
 * Policies from config and from route annotations, and the allow-list of hosts that redirects
 * may go to. Route policies are swapped in whole when the routes change; config ones come first,
 * so at equal specificity config wins.
 */
export interface PolicyTable {
  match(host: string, rawPath: string): PolicyMatch;
  /** True when a redirect may send the browser to this host. */
  hostAllowed(host: string): boolean;
  setRoutePolicies(policies: readonly Policy[]): void;
  all(): readonly Policy[];
}

export function createPolicyTable(
  config: Pick<AuthConfig, 'policies' | 'policyPathPrefix' | 'redirectHosts'>,
): PolicyTable {
  const fromConfig = config.policies.map((p) => compilePolicy(p, 'config'));
  const byName = new Map(fromConfig.map((p) => [p.name, p]));
  const prefix = config.policyPathPrefix;
  let all: Policy[] = fromConfig;
  const extraHosts = config.redirectHosts.map((h) => h.toLowerCase());

  const byPath = (host: string, rawPath: string): PolicyMatch | undefined => {
    // `/_policy/<name>/<original path>`: Envoy Gateway's extAuth `path` prefix naming a policy.
    if (!prefix || !rawPath.startsWith(prefix)) return undefined;
    const rest = rawPath.slice(prefix.length);
    const slash = rest.indexOf('/');
    const name = slash < 0 ? rest : rest.slice(0, slash);
    const policy = byName.get(name);
    // A named policy that lists hosts only serves those, so a client cannot pick it elsewhere.
    if (!policy || (policy.hosts.length > 0 && !policy.hosts.some((h) => hostScore(h, host) >= 0)))
      return undefined;
    return { policy, path: normalizePath(slash < 0 ? '/' : rest.slice(slash)) };
  };

  return {
    match(host, rawPath) {
      const path = normalizePath(rawPath);
      const byHost = path === undefined ? undefined : selectPolicy(all, host, path);
      // Hosts a policy names by host are never re-interpreted by path: a client on such a host
      // cannot choose a weaker policy by typing the prefix.
      if (byHost) return { policy: byHost, path };
      return byPath(host, rawPath) ?? { policy: undefined, path };
    },
    hostAllowed(host) {
      return (
        all.some((p) => p.hosts.some((h) => hostScore(h, host) >= 0)) ||
        extraHosts.some((h) => hostScore(h, host) >= 0)
      );
    },
    setRoutePolicies(policies) {
      all = [...fromConfig, ...policies];
    },
    all: () => all,
  };
}
