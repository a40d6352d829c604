import { mkdirSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { removeScratch, scratchDir, waitFor } from '@horizon/test/harness';
import { afterAll, describe, expect, it } from 'vitest';
import { createAppCredentials, readCredentialFolder } from '../../src/reply/app-credentials.ts';
import { capture } from '../fixtures.ts';

/** A folder laid out as kubelet mounts a Secret: the keys link into `..data`, itself a link to a timestamped folder. */
function secretFolder(root: string, name: string, keys: Record<string, string>): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  update(dir, keys, 1);
  for (const k of Object.keys(keys)) symlinkSync(join('..data', k), join(dir, k));
  return dir;
}

/** What kubelet does when the Secret changes (AtomicWriter): a new timestamped folder, then `..data` swapped by a rename. */
function update(dir: string, keys: Record<string, string>, n: number): void {
  const data = `..2026_11_29_00_00_00.${n}`;
  mkdirSync(join(dir, data));
  for (const [k, v] of Object.entries(keys)) writeFileSync(join(dir, data, k), v);
  symlinkSync(data, join(dir, '..data_tmp'));
  renameSync(join(dir, '..data_tmp'), join(dir, '..data'));
}

describe("an app's own credentials, from a mounted Secret", () => {
  const root = scratchDir('credentials');
  afterAll(() => removeScratch(root));

  it('reads each key as a header, lower-cased, without the trailing newline', () => {
    const dir = secretFolder(root, 'sonarr', { 'X-Api-Key': 'abc123\n', Authorization: 'Basic YTpi' });
    expect(readCredentialFolder(dir, 'k')).toEqual({ 'x-api-key': 'abc123', authorization: 'Basic YTpi' });
  });

  it.each([
    [{ Cookie: 'x' }, '"Cookie" is not a header'],
    [{ 'X-Auth-Request-User': 'admin' }, 'is not a header'],
    [{ 'X-Forwarded-For': '1.2.3.4' }, 'is not a header'],
    [{ 'X-Api-Key': 'a\u0001b' }, 'not visible ASCII'],
    [{ 'X-Api-Key': 'x'.repeat(9000) }, 'longer than 8192 bytes'],
    [{}, 'holds no key'],
  ])('refuses %j', (keys, message) => {
    const dir = secretFolder(root, `bad-${Math.random().toString(36).slice(2)}`, keys);
    expect(() => readCredentialFolder(dir, 'policies[0].appCredentials')).toThrow(message);
  });

  it('names the key for a missing folder or a relative path', () => {
    expect(() => readCredentialFolder(join(root, 'none'), 'policies[0].appCredentials')).toThrow(
      'policies[0].appCredentials: cannot read',
    );
    expect(() => readCredentialFolder('relative', 'k')).toThrow('must be an absolute path');
  });

  it('follows a rotated Secret, and keeps the old one when the new one cannot be read', async () => {
    const dir = secretFolder(root, 'rotating', { 'X-Api-Key': 'old' });
    const { logger, lines } = capture();
    const credentials = createAppCredentials([dir, ''], logger);
    try {
      const before = credentials.of(dir);
      expect(before).toEqual({ 'x-api-key': 'old' });
      update(dir, { 'X-Api-Key': 'new' }, 2);
      await waitFor('the new key', () => credentials.of(dir)?.['x-api-key'] === 'new' || undefined);
      update(dir, { 'X-Api-Key': '' }, 3);
      await waitFor(
        'the failed reload',
        () => lines.some((l) => String(l.msg).includes('could not be read again')) || undefined,
      );
      expect(credentials.of(dir)?.['x-api-key']).toBe('new');
      expect(credentials.of('')).toBeUndefined();
    } finally {
      credentials.close();
    }
  });
});
