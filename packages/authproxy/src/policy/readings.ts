/**
 * How policies read a path besides the way the proxy routes it (request/target.ts): prefixes at
 * segment boundaries, and the other readings an app behind the proxy may take of the same path,
 * each of which must lead to the same decision (policy/table.ts refuses the request otherwise).
 */

/** Prefix match at a segment boundary: `/api` covers `/api` and `/api/x`, not `/apix`. */
export function underPrefix(prefix: string, path: string): boolean {
  if (prefix === '/' || prefix === '') return true;
  const p = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  return path === p || path.startsWith(`${p}/`);
}

/** One way an app may read a path; `folded` readings are lower-cased and compared case-blind. */
export interface Reading {
  path: string;
  folded: boolean;
}

/**
 * Every other reading an app behind the proxy may take of a path: each spelling (see
 * TargetRead), and each of those case folded (Caddy's path matchers, Express and most
 * Windows-hosted apps ignore case) and without `;params` (Tomcat and Jetty drop them from every
 * segment). Empty for a plain lower-case path, which is most of them.
 */
export function otherReadings(path: string, spellings: readonly string[]): Reading[] {
  if (spellings.length === 0) return variants(path);
  const out = [...variants(path)];
  for (const s of spellings) out.push({ path: s, folded: false }, ...variants(s));
  return out;
}

/** A path case folded and without `;params`, when that changes it. */
function variants(path: string): Reading[] {
  const folds = /[A-Z]/.test(path);
  const params = path.includes(';');
  if (!folds && !params) return [];
  const out: Reading[] = [];
  const stripped = params ? path.replace(/;[^/]*/g, '').replace(/\/{2,}/g, '/') : path;
  if (params) out.push({ path: stripped, folded: false });
  if (folds) out.push({ path: path.toLowerCase(), folded: true });
  if (folds && params) out.push({ path: stripped.toLowerCase(), folded: true });
  return out;
}
