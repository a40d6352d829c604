/**
 * What Envoy does to a request's path before any filter (ext_authz included) or route sees it,
 * as Envoy Gateway configures it: written from Envoy's `ConnectionManagerUtility::
 * maybeNormalizePath` and `PathUtil` (conn_manager_utility.cc, path_utility.cc), Chromium's
 * `url::CanonicalizePath` (url_canon_path.cc) that `normalize_path` uses, and Envoy Gateway's
 * listener defaults (translator: NormalizePath true, MergeSlashes true, EscapedSlashesAction
 * UnescapeAndRedirect). The result is what the check, the route match and the app all see.
 */
export type EscapedSlashesAction = 'keep' | 'reject' | 'redirect' | 'forward';

export interface EnvoyPathOptions {
  /** `path_with_escaped_slashes_action`. Envoy Gateway's default: redirect. */
  escapedSlashes?: EscapedSlashesAction;
  /** `merge_slashes`. Envoy Gateway's default: true. */
  mergeSlashes?: boolean;
}

export type EnvoyPath =
  | { path: string }
  /** Envoy answers 400 itself (the request reaches no filter). */
  | { reject: true }
  /** Envoy answers 307 to the unescaped, normalized path. */
  | { redirect: string };

const isDot = (s: string, i: number): number => (s[i] === '.' ? 1 : /^%2e/i.test(s.slice(i, i + 3)) ? 3 : 0);
// Chromium's path table: these are escaped in canonical output; NUL fails the URL.
const ESCAPED = new Set([' ', '"', '<', '>', '`', '{', '}']);

const isSlash = (c: string | undefined) => c === '/' || c === '\\';

/** Output ends with `/`: drop its last segment, never the first slash (`BackUpToPreviousSlash`). */
const backUp = (out: string): string =>
  out.length <= 1 ? out : out.slice(0, out.lastIndexOf('/', out.length - 2) + 1);

/** Chromium's path canonicalization: `\` is `/`, dot segments (also `%2e`) resolved, unsafe bytes escaped. */
function canonicalize(path: string): string | undefined {
  let out = '';
  for (let i = 0; i < path.length; i++) {
    const c = path[i] as string;
    const dot = isDot(path, i);
    if (dot > 0 && out.endsWith('/')) {
      const after = i + dot;
      if (after === path.length) {
        i = after - 1; // `/.` at the end: this folder
        continue;
      }
      if (isSlash(path[after])) {
        i = after; // `/./`: this folder, the slash consumed
        continue;
      }
      const second = isDot(path, after);
      const end = after + second;
      if (second > 0 && (end === path.length || isSlash(path[end]))) {
        out = backUp(out); // `/../` or `/..` at the end: one folder up
        i = end === path.length ? end - 1 : end;
        continue;
      }
      out += '.';
      i += dot - 1;
      continue;
    }
    if (c === '\\') out += '/';
    else if (c === '%') {
      const hex = path.slice(i + 1, i + 3);
      if (/^[0-9a-f]{2}$/i.test(hex)) {
        if (hex === '00') return undefined; // an escaped NUL fails the URL
        out += `%${hex}`;
        i += 2;
      } else out += '%';
    } else if (c === '\0') return undefined;
    else if (c.charCodeAt(0) < 0x20 || c.charCodeAt(0) >= 0x7f || ESCAPED.has(c)) {
      out += [...Buffer.from(c)].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
    } else out += c;
  }
  return out.startsWith('/') ? out : `/${out}`;
}

/** Envoy's `mergeSlashes`: empty segments dropped, a leading and a trailing slash kept. */
function mergeSlashes(path: string): string {
  if (!path.includes('//')) return path;
  const inner = path
    .split('/')
    .filter((s) => s !== '')
    .join('/');
  return `/${inner}${path.endsWith('/') && inner !== '' ? '/' : ''}`;
}

/** A request-target (origin-form) as Envoy passes it on, or Envoy's own 400 or 307. */
export function envoyPath(target: string, options: EnvoyPathOptions = {}): EnvoyPath {
  const action = options.escapedSlashes ?? 'redirect';
  // envoy.reloadable_features.http_reject_path_with_fragment (on by default): 400.
  if (target.includes('#')) return { reject: true };
  const q = target.indexOf('?');
  let path = q < 0 ? target : target.slice(0, q);
  const query = q < 0 ? '' : target.slice(q);
  let redirect = false;
  if (action !== 'keep' && /%(2f|5c)/i.test(path)) {
    if (action === 'reject') return { reject: true };
    path = path.replace(/%2f/gi, '/').replace(/%5c/gi, '\\');
    redirect = action === 'redirect';
  }
  const canonical = canonicalize(path);
  if (canonical === undefined) return { reject: true };
  const merged = options.mergeSlashes === false ? canonical : mergeSlashes(canonical);
  return redirect ? { redirect: `${merged}${query}` } : { path: `${merged}${query}` };
}
