/**
 * The path a request really names, for matching public paths and policy prefixes. Proxies and
 * apps decode and resolve paths in different ways; oauth2-proxy's skip-auth bypasses came from
 * matching the raw text. Here the path is percent-decoded until stable (double encoding), `\`
 * is read as `/` (as several servers do), `;params` are ignored (`..;/` is `..` to Tomcat),
 * `//` collapses and `.`/`..` segments resolve (RFC 3986 5.2.4). Anything that cannot be read
 * unambiguously (bad escapes, control characters, still changing after 3 decodes) is `undefined`,
 * and callers then treat the request as matching no public path.
 */
export function normalizePath(raw: string): string | undefined {
  let path = raw;
  const cut = path.search(/[?#]/);
  if (cut >= 0) path = path.slice(0, cut);
  if (!path.startsWith('/')) return undefined;
  // Most paths need nothing: no escapes, `\`, `;`, control characters, `//` or dot segments.
  return UNUSUAL.test(path) ? resolvePath(path) : path;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: they send a path the long way
const UNUSUAL = /[%\\;\u0000-\u001f\u007f]|\/\/|\/\.\.?(?:\/|$)/;

/** The long way: decode, resolve, collapse (exported for the test that compares both ways). */
export function resolvePath(raw: string): string | undefined {
  let path = raw;
  for (let i = 0; ; i++) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(path);
    } catch {
      return undefined;
    }
    if (decoded === path) break;
    if (i === 2) return undefined;
    path = decoded;
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting them is the point
  if (/[\u0000-\u001f\u007f]/.test(path)) return undefined;
  const out: string[] = [];
  for (const rawSegment of path.replaceAll('\\', '/').split('/')) {
    const segment = rawSegment.split(';', 1)[0] as string;
    if (segment === '' || segment === '.') continue;
    if (segment === '..') out.pop();
    else out.push(segment);
  }
  const trailing = /[/\\]\.{0,2}$/.test(path) && out.length > 0 ? '/' : '';
  return `/${out.join('/')}${trailing}`;
}

/** Prefix match at a segment boundary: `/api` covers `/api` and `/api/x`, not `/apix`. */
export function underPrefix(prefix: string, path: string): boolean {
  if (prefix === '/' || prefix === '') return true;
  const p = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  return path === p || path.startsWith(`${p}/`);
}
