/**
 * How the service reads the path of a request: percent-decoded exactly once and runs of `/`
 * merged, which is what nginx (`$uri`, merge_slashes on), Envoy Gateway (normalize_path,
 * merge_slashes) and Go's path cleaning (Caddy's matchers) route on, and what an app decoding its
 * path once reads. Decoding until stable, as this service once did, read `/admin%252f..%252fusers`
 * as `/users` while nginx served it from `location /admin`.
 *
 * Whatever two of those readers could take for different resources is refused, never guessed
 * at (RFC 3986 leaves them to each implementation): a fragment (RFC 9112 3.2: a request-target
 * has none), `\` (a slash to Windows and Chromium's canonicalizer, Envoy's normalizer), encoded
 * `/` or `\` (decoded by nginx, kept by Envoy, redirected by Envoy Gateway), a dot segment in any
 * spelling (`..`, `%2e%2e`, `..;` for Tomcat: browsers and curl resolve them before sending),
 * an escape left after one decoding (double encoding), control and non-ASCII characters.
 */
export type TargetRead =
  | {
      path: string;
      query: string;
      /**
       * The same path as apps that decode nothing or merge nothing read it (Express routes on
       * the raw path, Go's mux keeps `//`): the percent-encoded text and the unmerged slashes,
       * when they differ from `path`.
       */
      spellings: string[];
    }
  | { refused: PathRefusal; path?: undefined };

/** Why a request-target was refused, for logs and the 400 page. */
export type PathRefusal =
  | 'not-origin-form'
  | 'fragment'
  | 'bad-character'
  | 'bad-escape'
  | 'encoded-slash'
  | 'double-encoding'
  | 'dot-segment';

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses
const BAD_CHARACTER = /[\u0000-\u0020"<>\\\u007f-\uffff]/;
/** A plain path: nothing to decode, no `;`, no `//`, no dot segment. Most requests take this way. */
const PLAIN = /^(?:\/(?!\.\.?(?:\/|$))[A-Za-z0-9\-._~!$&'()*+,=:@|^[\]{}`]+)*\/?$/;
const ESCAPE = /%(?![0-9A-Fa-f]{2})/;
const ENCODED_SLASH = /%(?:2f|5c)/i;
// biome-ignore lint/suspicious/noControlCharactersInRegex: a decoded control character is refused
const DECODED_CONTROL = /[\u0000-\u001f\u007f]/;

/** The spellings of a plain path: none (shared, never changed). */
const NONE: string[] = [];

/** Reads a request-target (`/path?query`) as the route and the app will. */
export function readTarget(target: string): TargetRead {
  if (target.includes('#')) return { refused: 'fragment' };
  if (BAD_CHARACTER.test(target)) return { refused: 'bad-character' };
  const q = target.indexOf('?');
  const raw = q < 0 ? target : target.slice(0, q);
  const query = q < 0 ? '' : target.slice(q);
  if (!raw.startsWith('/')) return { refused: 'not-origin-form' };
  if (PLAIN.test(raw)) return { path: raw, query, spellings: NONE };
  if (ESCAPE.test(raw)) return { refused: 'bad-escape' };
  if (ENCODED_SLASH.test(raw)) return { refused: 'encoded-slash' };
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    return { refused: 'bad-escape' }; // not UTF-8 (overlong `%c0%ae` included)
  }
  if (DECODED_CONTROL.test(decoded)) return { refused: 'bad-character' };
  if (/%[0-9A-Fa-f]{2}/.test(decoded)) return { refused: 'double-encoding' };
  for (const segment of decoded.split('/')) {
    const name = segment.split(';', 1)[0];
    if (name === '.' || name === '..') return { refused: 'dot-segment' };
  }
  const merge = (p: string) => p.replace(/\/{2,}/g, '/');
  const path = merge(decoded);
  const spellings = [...new Set([merge(raw), decoded, raw])].filter((p) => p !== path);
  return { path, query, spellings };
}
