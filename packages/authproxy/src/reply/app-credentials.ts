import { type FSWatcher, readdirSync, readFileSync, statSync, watch } from 'node:fs';
import { join } from 'node:path';
import { HorizonError, type Logger } from '@horizon/shared';
import { KNOWN_IDENTITY_HEADERS } from '../request/identity-headers.ts';

/** An app's own credentials: header names (lower-cased) and values, as the Secret holds them. */
export type Credentials = Readonly<Record<string, string>>;

/** Keys of one Secret, and bytes of one value, at most (a Secret is 1 MiB; headers are far smaller). */
const MAX_KEYS = 32;
const MAX_VALUE = 8192;
/** Names a credential may not take: the request's framing, what the check reads, the identity. */
const RESERVED =
  /^(host|cookie|content-length|content-type|transfer-encoding|connection|keep-alive|upgrade|te|trailer|expect|proxy-.*|x-forwarded-.*|x-envoy-.*|x-horizon-.*)$/i;

const invalid = (key: string, message: string) => new HorizonError('E_CONFIG_INVALID', `${key}: ${message}`);

/**
 * Reads the folder a Kubernetes Secret is mounted at: each key a file (kubelet's `..data` and
 * `..<timestamp>` entries skipped), its name a header, its content (without a trailing newline) the
 * value: `kubectl create secret generic sonarr-app --from-literal=X-Api-Key=...`, or
 * `--from-literal=Authorization="Basic $(printf user:password | base64)"`. Throws E_CONFIG_INVALID
 * naming `key`: a missing folder, no key, a name that is not a header or is reserved, a value with
 * control characters or over 8 KB, more than 32 keys.
 */
export function readCredentialFolder(dir: string, key: string): Credentials {
  if (!dir.startsWith('/'))
    throw invalid(key, `"${dir}" must be an absolute path (where the Secret is mounted)`);
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => !n.startsWith('.'));
  } catch (err) {
    throw invalid(
      key,
      `cannot read ${dir} (${(err as NodeJS.ErrnoException).code ?? 'error'}): mount the Secret there`,
    );
  }
  if (names.length === 0) throw invalid(key, `${dir} holds no key`);
  if (names.length > MAX_KEYS) throw invalid(key, `${dir} holds ${names.length} keys, more than ${MAX_KEYS}`);
  const out: Record<string, string> = {};
  for (const name of names.sort()) {
    const lower = name.toLowerCase();
    if (
      !/^[A-Za-z0-9][A-Za-z0-9-]*$/.test(name) ||
      RESERVED.test(name) ||
      KNOWN_IDENTITY_HEADERS.includes(lower)
    )
      throw invalid(key, `"${name}" is not a header an app's credential may use`);
    const path = join(dir, name);
    if (!statSync(path).isFile()) throw invalid(key, `${path} is not a file`);
    const value = readFileSync(path, 'utf8').replace(/\r?\n$/, '');
    if (Buffer.byteLength(value) > MAX_VALUE) throw invalid(key, `${name}: longer than ${MAX_VALUE} bytes`);
    if (value === '' || !/^[\x20-\x7e]+$/.test(value))
      throw invalid(key, `${name}: empty, or not visible ASCII (a header value cannot hold it)`);
    out[lower] = value;
  }
  return Object.freeze(out);
}

/** The credentials of every policy's folder, kept current as kubelet updates the Secrets. */
export interface AppCredentials {
  /** The current credentials in `dir`, or undefined for a policy without any. */
  of(dir: string): Credentials | undefined;
  close(): void;
}

/**
 * Reads each folder once at start (the config check already did, so a start with a missing Secret
 * stops with its key named) and again when kubelet swaps the Secret's files (a watch on the folder;
 * a rotated API key reaches the app within a second, with no restart). A folder that cannot be read
 * again keeps the credentials it had, with one log line per change.
 */
export function createAppCredentials(dirs: readonly string[], logger: Logger): AppCredentials {
  const current = new Map<string, Credentials>();
  const watchers: FSWatcher[] = [];
  const timers = new Set<NodeJS.Timeout>();
  for (const dir of new Set(dirs.filter((d) => d !== ''))) {
    current.set(dir, readCredentialFolder(dir, dir));
    let timer: NodeJS.Timeout | undefined;
    const reload = () => {
      if (timer) timers.delete(timer);
      timer = undefined;
      try {
        current.set(dir, readCredentialFolder(dir, dir));
        logger.info({ dir }, 'app credentials reloaded');
      } catch (err) {
        logger.warn({ dir, err }, 'app credentials could not be read again; the previous ones stay');
      }
    };
    const watcher = watch(dir, () => {
      if (timer) return;
      timer = setTimeout(reload, 100);
      timers.add(timer);
    });
    watcher.on('error', (err) => logger.warn({ dir, err }, 'app credentials: watch failed'));
    watchers.push(watcher);
  }
  return {
    of: (dir) => current.get(dir),
    close: () => {
      for (const w of watchers) w.close();
      for (const t of timers) clearTimeout(t);
    },
  };
}
