import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { parse } from 'yaml';

// The tools print nothing on a clean tree: a warning every run teaches users to skip warnings.
const root = join(import.meta.dirname, '..');

interface Manifest {
  name: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

/** Every workspace package (pnpm-workspace.yaml's folders; no globs beyond a trailing `/*`). */
function workspacePackages(): Manifest[] {
  const { packages } = parse(readFileSync(join(root, 'pnpm-workspace.yaml'), 'utf8')) as {
    packages: string[];
  };
  const dirs = packages.flatMap((p) =>
    p.endsWith('/*')
      ? readdirSync(join(root, p.slice(0, -2)), { withFileTypes: true })
          .filter((d) => d.isDirectory())
          .map((d) => join(p.slice(0, -2), d.name))
      : [p],
  );
  return dirs.map((d) => JSON.parse(readFileSync(join(root, d, 'package.json'), 'utf8')) as Manifest);
}

it('workspace packages depend on each other without a cycle (pnpm warns on every install otherwise)', () => {
  const pkgs = workspacePackages();
  const edges = new Map(
    pkgs.map((p) => [
      p.name,
      Object.entries({ ...p.dependencies, ...p.devDependencies })
        .filter(([, v]) => v.startsWith('workspace:'))
        .map(([k]) => k),
    ]),
  );
  const cycles: string[] = [];
  const visit = (name: string, path: string[]) => {
    if (path.includes(name)) {
      cycles.push([...path.slice(path.indexOf(name)), name].join(' -> '));
      return;
    }
    for (const dep of edges.get(name) ?? []) visit(dep, [...path, name]);
  };
  for (const name of edges.keys()) visit(name, []);
  expect(edges.size).toBeGreaterThanOrEqual(6);
  expect(cycles).toEqual([]);
});

it('biome reports nothing on the tree, not even a deprecated setting', async () => {
  const out = await promisify(execFile)(
    join(root, 'node_modules', '.bin', 'biome'),
    ['check', '--reporter=json', '.'],
    { cwd: root, maxBuffer: 16 << 20 },
  ).catch((err: { stdout?: string }) => ({ stdout: err.stdout ?? '' }));
  const report = JSON.parse(out.stdout) as {
    summary: { errors: number; warnings: number; infos: number };
    diagnostics: { message: string }[];
  };
  expect(report.diagnostics.map((d) => d.message)).toEqual([]);
  expect(report.summary).toMatchObject({ errors: 0, warnings: 0, infos: 0 });
});
