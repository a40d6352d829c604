import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * An app password: `hzp_<id>_<secret>`, base32 (lower case, digits 2-7: no character a keyboard,
 * a URL or a shell mangles). The id (64 bits) names its record, so a check looks it up instead of
 * trying every password; the secret (160 bits) is what no one can guess, kept only as its SHA-256
 * (a fast hash is the right one for a random secret this long: there is no dictionary to slow
 * down). The prefix lets secret scanners and people recognise one.
 */
const FORMAT = /^hzp_([a-z2-7]{13})_[a-z2-7]{32}$/;
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

function base32(bytes: Buffer, length: number): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out.slice(0, length);
}

/** The stored form of a password: SHA-256 of it, base64url. */
export const hashOf = (password: string): string => createHash('sha256').update(password).digest('base64url');

/** A new app password, its id, and the hash that is all the store keeps of it. */
export function newAppPassword(): { id: string; password: string; hash: string } {
  const id = base32(randomBytes(9), 13);
  const password = `hzp_${id}_${base32(randomBytes(20), 32)}`;
  return { id, password, hash: hashOf(password) };
}

/** True when `password` is the one `hash` was made from (compared in constant time). */
export function matches(password: string, hash: string): boolean {
  const a = Buffer.from(hashOf(password));
  const b = Buffer.from(hash);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** An app password a request carries: its id, and the Basic user name it came with. */
export interface Presented {
  id: string;
  password: string;
  /** The Basic user name, as sent; undefined for `Authorization: Bearer`. */
  user?: string;
}

/**
 * The app password in an Authorization header: HTTP Basic `user:password` (RFC 7617; the user
 * is what comes before the first colon) or `Bearer <password>`. Undefined for anything else
 * (a provider's access token, an app's own Basic credentials), which other steps or the app read.
 */
export function presented(authorization: string | undefined): Presented | undefined {
  if (authorization === undefined || authorization.length > 512) return undefined;
  const space = authorization.indexOf(' ');
  const scheme = authorization.slice(0, space).toLowerCase();
  const value = authorization.slice(space + 1).trim();
  let user: string | undefined;
  let password = value;
  if (scheme === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return undefined;
    user = decoded.slice(0, colon);
    password = decoded.slice(colon + 1);
  } else if (scheme !== 'bearer') return undefined;
  const m = FORMAT.exec(password);
  if (!m) return undefined;
  return user === undefined ? { id: m[1] as string, password } : { id: m[1] as string, password, user };
}
