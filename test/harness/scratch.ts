import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Temporary folders for tests (configs with cookie keys among them, manifests, image contents):
 * made here so that each is removed when its test file ends, whatever the file forgets.
 * `test/setup/worker.ts` removes them after every file; `removeScratch` does it earlier.
 */
const made = new Set<string>();

/** A new empty folder `horizon-<prefix>-XXXXXX` under the system's temporary folder. */
export function scratchDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `horizon-${prefix}-`));
  made.add(dir);
  return dir;
}

/** Removes `dir` (one made by {@link scratchDir}), or all of them when no folder is named. */
export function removeScratch(dir?: string): void {
  for (const d of dir === undefined ? [...made] : [dir]) {
    rmSync(d, { recursive: true, force: true });
    made.delete(d);
  }
}
