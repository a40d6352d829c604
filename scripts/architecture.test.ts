import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect, it } from 'vitest';

// docs/architecture.md is where a newcomer finds any step in one look: it must match the code.
// Every file it names exists, and every source folder of every package is in it.
const root = join(import.meta.dirname, '..');
const doc = readFileSync(join(root, 'docs', 'architecture.md'), 'utf8');
const PACKAGES = ['shared', 'dns', 'authproxy', 'doctor'];

/** Every file under `dir`, as paths relative to `base`. */
function files(dir: string, base: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name.startsWith('.')) return [];
    return statSync(path).isDirectory() ? files(path, base) : [relative(base, path)];
  });
}

const known = [
  ...PACKAGES.flatMap((p) => [
    ...files(join(root, 'packages', p, 'src'), join(root, 'packages', p, 'src')),
    ...files(join(root, 'packages', p, 'src'), root),
    ...files(join(root, 'packages', p, 'test'), join(root, 'packages', p, 'test')),
    ...files(join(root, 'packages', p, 'test'), join(root, 'packages', p)),
  ]),
  ...files(join(root, 'test'), root),
  ...files(join(root, 'test'), join(root, 'test')),
  ...files(join(root, 'test', 'harness'), join(root, 'test', 'harness')),
  ...files(join(root, 'scripts'), root),
];

it('names only files that exist', () => {
  // `a/b.ts` in backquotes, alone or first in a list such as `a.ts`, `b.ts`.
  const named = [...doc.matchAll(/`([\w./-]+\.ts)`/g)].map((m) =>
    (m[1] as string).replace(/^\.\.\/shared\//, ''),
  );
  expect(named.length).toBeGreaterThan(100);
  const missing = [...new Set(named)].filter((n) => !known.some((k) => k === n || k.endsWith(`/${n}`)));
  expect(missing).toEqual([]);
});

it('names every source folder of every package', () => {
  const folders = PACKAGES.flatMap((p) =>
    readdirSync(join(root, 'packages', p, 'src'))
      .filter((d) => statSync(join(root, 'packages', p, 'src', d)).isDirectory())
      .map((d) => ({ p, d })),
  );
  const unnamed = folders.filter(({ d }) => !doc.includes(`${d}/`)).map(({ p, d }) => `${p}/src/${d}/`);
  expect(unnamed).toEqual([]);
});
