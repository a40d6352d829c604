/**
 * Hostname patterns of the Gateway API (a Listener's `hostname`, an HTTPRoute's `hostnames`): a
 * name matches itself, and a wildcard `*.example.com` matches any name below example.com at any
 * depth, never example.com itself (HTTPRouteSpec.Hostnames). Where several patterns match one
 * name the most specific wins: an exact name over every wildcard, a longer wildcard over a
 * shorter one (the precedence the spec gives listeners; auth policies and the DNS index follow it).
 *
 * Names are compared as given: callers lower-case them (and drop a trailing dot) once, when they
 * read them, not on every comparison.
 */

/** True for a wildcard pattern, `*.suffix`. */
export const isWildcardHostname = (pattern: string): boolean => pattern.startsWith('*.');

/**
 * True when `name` is below the suffix of `wildcard` (`*.example.com` covers `a.example.com` and
 * `a.b.example.com`, never `example.com`). `wildcard` must be a wildcard; `name` may be one too
 * (its own suffix is then the name compared, as when intersecting a route's wildcard with a listener's).
 */
export function wildcardCovers(wildcard: string, name: string): boolean {
  const suffix = wildcard.slice(1); // ".example.com"
  return name.length > suffix.length && name.endsWith(suffix);
}

/** Above every wildcard's specificity (a suffix is at most 253 characters). */
const EXACT = 1_000;

/**
 * How specifically `pattern` names `name`, for picking the most specific of several patterns:
 * -1 when it does not name it at all; an exact match ranks above every wildcard, and a wildcard
 * ranks by the length of its suffix. Only the order of the numbers means anything.
 */
export function hostnameSpecificity(pattern: string, name: string): number {
  if (pattern === name) return EXACT;
  return isWildcardHostname(pattern) && wildcardCovers(pattern, name) ? pattern.length - 1 : -1;
}

/** True when `pattern` (a name or a wildcard) names `name`. */
export const hostnameMatches = (pattern: string, name: string): boolean =>
  hostnameSpecificity(pattern, name) >= 0;

/** The specificity of the best of `patterns` for `name` (see {@link hostnameSpecificity}); -1 when none matches. */
export function bestHostnameSpecificity(patterns: readonly string[], name: string): number {
  let best = -1;
  for (const pattern of patterns) {
    const score = hostnameSpecificity(pattern, name);
    if (score > best) best = score;
  }
  return best;
}
