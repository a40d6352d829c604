import { isWildcardHostname as isWildcard, wildcardCovers } from '@horizon/shared';
import { normalName } from '../wire/name.ts';

// The wildcard rule of the Gateway API (`*.example.com` covers any name below example.com at any
// depth, never example.com itself) is shared's, the one the auth policies follow too; what is
// DNS's own is intersecting a route's hostnames with its listener's, and our zones.

/** The hostname both a route and a listener accept, or null (the more specific of the two wins). */
export function intersect(route: string, listener: string): string | null {
  if (!isWildcard(route) && !isWildcard(listener)) return route === listener ? route : null;
  if (!isWildcard(route)) return wildcardCovers(listener, route) ? route : null;
  if (!isWildcard(listener)) return wildcardCovers(route, listener) ? listener : null;
  if (route === listener || wildcardCovers(listener, route.slice(2))) return route;
  return wildcardCovers(route, listener.slice(2)) ? listener : null;
}

/**
 * The names a route serves on one listener: its names (`spec.hostnames`, lower-cased here, and the
 * `hostname` annotation's) intersected with the listener's hostname. A route that names no
 * hostnames of its own takes the listener's (`takeListener`); with neither, nothing is named.
 */
export function hostnamesFor(
  names: readonly string[],
  listenerHostname: string | undefined,
  takeListener = names.length === 0,
): string[] {
  const listener = listenerHostname === undefined ? undefined : normalName(listenerHostname);
  const out: string[] = takeListener && listener ? [listener] : [];
  for (const name of names) {
    const h = normalName(name);
    const both = listener ? intersect(h, listener) : h;
    if (both !== null && !out.includes(both)) out.push(both);
  }
  return out;
}

/** True when `name` is `zone` or below it. */
export const inZone = (name: string, zone: string): boolean =>
  zone === '' || name === zone || name.endsWith(`.${zone}`);
