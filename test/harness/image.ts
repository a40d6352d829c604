import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');

const dockerfile = (pkg: 'dns' | 'authproxy') =>
  readFileSync(join(ROOT, 'packages', pkg, 'Dockerfile'), 'utf8');

/**
 * What a service's image runs after the node binary (V8 flags, `--conditions=production`,
 * `dist/main.js`), read from its Dockerfile's exec-form ENTRYPOINT, so the tests and benchmarks
 * that run a service "as its image does" follow the Dockerfile instead of repeating it.
 */
export function imageEntrypoint(pkg: 'dns' | 'authproxy'): string[] {
  const entry = /^ENTRYPOINT (\[.*\])$/m.exec(dockerfile(pkg))?.[1];
  if (!entry) throw new Error(`packages/${pkg}/Dockerfile: no ENTRYPOINT in exec form`);
  return (JSON.parse(entry) as string[]).slice(1);
}

/**
 * The pnpm arguments of the Dockerfile's `pnpm --filter @horizon/<pkg> deploy ... /out` step, with
 * `/out` replaced by `outDir`: the tests build an image's contents with the image's own command.
 */
export function imageDeployArgs(pkg: 'dns' | 'authproxy', outDir: string): string[] {
  const step = new RegExp(`pnpm (--filter @horizon/${pkg} deploy [^\\n&\\\\]*?) /out\\b`).exec(
    dockerfile(pkg),
  );
  if (!step?.[1])
    throw new Error(`packages/${pkg}/Dockerfile: no "pnpm --filter @horizon/${pkg} deploy ... /out" step`);
  return [...step[1].split(/\s+/), outDir];
}
