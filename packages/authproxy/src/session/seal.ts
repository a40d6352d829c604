import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { authError } from '../errors.ts';

/**
 * Authenticated encryption of cookie values with AES-256-GCM and a key ring. The first key seals,
 * every key opens, so keys rotate by prepending a new one and dropping the old one after the
 * longest session lifetime. Layout, base64url: key id (4) | IV (12) | ciphertext | tag (16).
 * The cookie's purpose is bound in as additional data, so a flow cookie never opens as a
 * session and the other way round.
 */
export interface Sealer {
  seal(purpose: string, value: unknown): string;
  /** The value, or throws E_SEAL for anything forged, truncated, or sealed by an unknown key. */
  open(purpose: string, sealed: string): unknown;
}

const KEY_ID = 4;
const IV = 12;
const TAG = 16;

interface Key {
  id: Buffer;
  secret: Buffer;
}

/** Decodes configured keys (base64 or base64url of 32 bytes); throws naming the bad one. */
export function decodeKeys(keys: readonly string[]): Buffer[] {
  return keys.map((text, i) => {
    const secret = Buffer.from(text.trim(), 'base64url');
    if (secret.length !== 32) {
      throw authError('E_SEAL', `cookie.keys[${i}]: a key must be 32 bytes, base64 (got ${secret.length})`);
    }
    return secret;
  });
}

export function createSealer(secrets: readonly Buffer[]): Sealer {
  if (secrets.length === 0) throw authError('E_SEAL', 'cookie.keys: at least one key is needed');
  const keys: Key[] = secrets.map((secret) => ({
    secret,
    id: createHash('sha256').update(secret).digest().subarray(0, KEY_ID),
  }));
  const current = keys[0] as Key;
  return {
    seal(purpose, value) {
      const iv = randomBytes(IV);
      const cipher = createCipheriv('aes-256-gcm', current.secret, iv);
      cipher.setAAD(Buffer.from(purpose));
      const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
      return Buffer.concat([current.id, iv, body, cipher.getAuthTag()]).toString('base64url');
    },
    open(purpose, sealed) {
      const raw = Buffer.from(sealed, 'base64url');
      if (raw.length < KEY_ID + IV + TAG + 2) throw authError('E_SEAL', 'sealed value too short');
      const id = raw.subarray(0, KEY_ID);
      const key = keys.find((k) => k.id.equals(id));
      if (!key) throw authError('E_SEAL', 'sealed by an unknown key');
      try {
        const decipher = createDecipheriv('aes-256-gcm', key.secret, raw.subarray(KEY_ID, KEY_ID + IV));
        decipher.setAAD(Buffer.from(purpose));
        decipher.setAuthTag(raw.subarray(raw.length - TAG));
        const body = Buffer.concat([
          decipher.update(raw.subarray(KEY_ID + IV, raw.length - TAG)),
          decipher.final(),
        ]);
        return JSON.parse(body.toString('utf8'));
      } catch (err) {
        throw authError('E_SEAL', 'sealed value does not open', err);
      }
    },
  };
}
