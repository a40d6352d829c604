import { hostnameMatches } from '@horizon/shared';
import type { AuthConfig } from '../config.ts';
import { compilePolicy, foldPolicy, isPublic, type Policy, selectPolicy } from './policies.ts';
import { otherReadings } from './readings.ts';

/** What the policies decide for one request. */
export interface PolicyDecision {
  /** The policy, or undefined when none covers the request. */
  policy: Policy | undefined;
  /** A host some policy names (or a redirect host): uncovered paths there get `defaultPolicy`'s "any user". */
  covered: boolean;
  /** Served without a session (public path or method). */
  public: boolean;
}

/** A request the policies cannot decide: readings of its path disagree, or it names no policy. */
export type PolicyRefusal = { refused: 'ambiguous-path' | 'unknown-policy' };

/**
 * Policies from config and from route annotations, and the allow-list of hosts that redirects
 * may go to. Route policies are swapped in whole when the routes change; config ones come first,
 * so at equal specificity config wins.
 */
export interface PolicyTable {
  /**
   * The decision for a host, a decoded path and a method. `name` is a policy the operator named
   * (Envoy Gateway's extAuth `path`): then it is the only candidate. A path whose other readings
   * (its spellings undecoded or unmerged, case folded, `;params` dropped) lead to another policy
   * or publicness is refused.
   */
  match(
    host: string,
    path: string,
    spellings: readonly string[],
    method: string,
    name?: string,
  ): PolicyDecision | PolicyRefusal;
  /** True when a redirect may send the browser to this host. */
  hostAllowed(host: string): boolean;
  /** A configured policy by name (routes choose one with `horizon.io/auth-policy`). */
  named(name: string): Policy | undefined;
  setRoutePolicies(policies: readonly Policy[]): void;
  all(): readonly Policy[];
}

interface Compiled {
  exact: Policy[];
  folded: Policy[];
}

const compiled = (policies: Policy[]): Compiled => ({ exact: policies, folded: policies.map(foldPolicy) });

export function createPolicyTable(config: Pick<AuthConfig, 'policies' | 'redirectHosts'>): PolicyTable {
  const fromConfig = config.policies.map((p) => compilePolicy(p, 'config'));
  const byName = new Map(fromConfig.map((p) => [p.name, compiled([p])]));
  const configured = new Map(fromConfig.map((p) => [p.name, p]));
  let all = compiled(fromConfig);
  const extraHosts = config.redirectHosts;
  const hostAllowed = (host: string): boolean =>
    all.exact.some((p) => p.hosts.some((h) => hostnameMatches(h, host))) ||
    extraHosts.some((h) => hostnameMatches(h, host));

  const decide = (set: Policy[], host: string, path: string, method: string, named: boolean) => {
    const policy = selectPolicy(set, host, path, named);
    return { policy, public: policy !== undefined && isPublic(policy, method, path) };
  };

  return {
    match(host, path, spellings, method, name) {
      const set = name === undefined ? all : byName.get(name);
      if (!set) return { refused: 'unknown-policy' };
      const named = name !== undefined;
      const first = decide(set.exact, host, path, method, named);
      for (const reading of otherReadings(path, spellings)) {
        const other = decide(reading.folded ? set.folded : set.exact, host, reading.path, method, named);
        if (other.policy?.name !== first.policy?.name || other.public !== first.public)
          return { refused: 'ambiguous-path' };
      }
      const covered = first.policy !== undefined || (!named && hostAllowed(host));
      return { ...first, covered };
    },
    hostAllowed,
    named: (name) => configured.get(name),
    setRoutePolicies(policies) {
      all = compiled([...fromConfig, ...policies]);
    },
    all: () => all.exact,
  };
}
