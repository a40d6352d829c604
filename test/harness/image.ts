import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');

/**
 * What a service's image runs after the node binary (V8 flags, `--conditions=production`,
 * `dist/main.js`), read from its Dockerfile's exec-form ENTRYPOINT, so the tests and benchmarks
 * that run a service "as its image does" follow the Dockerfile instead of repeating it.
 */
export function imageEntrypoint(pkg: 'dns' | 'authproxy'): string[] {
  const dockerfile = readFileSync(join(ROOT, 'packages', pkg, 'Dockerfile'), 'utf8');
  const entry = /^ENTRYPOINT (\[.*\])$/m.exec(dockerfile)?.[1];
  if (!entry) throw new Error(`packages/${pkg}/Dockerfile: no ENTRYPOINT in exec form`);
  return (JSON.parse(entry) as string[]).slice(1);
}
