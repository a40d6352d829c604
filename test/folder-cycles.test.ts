import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

// The folders of a package's source show its design only while they form layers: a folder that
// imports another which imports it back is one concept split in two, or two concepts tangled.
// Every workspace package's source is read here (type imports and lazy `import()` included: they
// are dependencies of the design too); files at a source root are each their own node.
const ROOT = join(import.meta.dirname, '..');
const SOURCES = [
  ...readdirSync(join(ROOT, 'packages')).map((name) => `packages/${name}/src`),
  'test/harness',
  'scripts',
];

/**
 * Cycles known and left for later, each with what removes it. The test fails when one is gone
 * too, so that the list only shrinks.
 */
const KNOWN: Record<string, string> = {
  // createGatewayApiSource picks the file or the Kubernetes source, lazily; moving it above both
  // (src/gateway-api-source.ts) removes the cycle.
  'packages/shared/src: kube/ source/': 'source/index.ts imports kube/source.ts',
};

const SPECIFIERS = [
  /\b(?:import|export)\s[^;'"]*?\bfrom\s*['"]([^'"]+)['"]/g,
  /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  /^\s*import\s*['"]([^'"]+)['"]/gm,
];

/** The relative module specifiers a source file imports or re-exports. */
function importsOf(text: string): string[] {
  return SPECIFIERS.flatMap((re) => [...text.matchAll(re)].map((m) => m[1] as string)).filter((s) =>
    s.startsWith('.'),
  );
}

/** A file's node: its top folder under the source root (`check/`), or the file itself at the root. */
const nodeOf = (path: string): string => {
  const parts = path.split('/');
  return parts.length > 1 ? `${parts[0]}/` : path;
};

/** Edges between nodes, each with one import that makes it, from files given by path (relative to the root). */
function folderGraph(files: ReadonlyMap<string, string>): Map<string, Map<string, string>> {
  const edges = new Map<string, Map<string, string>>();
  for (const [path, text] of files) {
    for (const spec of importsOf(text)) {
      const target = normalize(join(dirname(path), spec))
        .split(sep)
        .join('/');
      if (target.startsWith('..')) continue; // outside this source root
      const [from, to] = [nodeOf(path), nodeOf(target)];
      if (from === to) continue;
      const out = edges.get(from) ?? new Map<string, string>();
      if (!out.has(to)) out.set(to, `${path} imports ${target}`);
      edges.set(from, out);
    }
  }
  return edges;
}

/** The strongly connected groups of more than one node (Tarjan), each sorted: the folder cycles. */
function cyclesOf(edges: Map<string, Map<string, string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const out: string[][] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v) as number);
    stack.push(v);
    for (const w of edges.get(v)?.keys() ?? []) {
      if (!index.has(w)) visit(w);
      if (stack.includes(w)) low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
    }
    if (low.get(v) !== index.get(v)) return;
    const group: string[] = [];
    for (let w = stack.pop(); w !== undefined; w = w === v ? undefined : stack.pop()) group.push(w);
    if (group.length > 1) out.push(group.sort());
  };
  for (const v of edges.keys()) if (!index.has(v)) visit(v);
  return out;
}

function sourceFiles(root: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    if (!entry.isFile() || !entry.name.endsWith('.ts') || path.includes('node_modules')) continue;
    files.set(relative(root, path).split(sep).join('/'), readFileSync(path, 'utf8'));
  }
  return files;
}

describe('folder-level import cycles', () => {
  it('finds a cycle through type imports, re-exports and lazy imports, and none in layers', () => {
    const files = new Map([
      ['a/one.ts', "import type { B } from '../b/two.ts';"],
      ['b/two.ts', "export { C } from '../c/three.ts';"],
      ['c/three.ts', "const a = await import('../a/one.ts');"],
      ['d/four.ts', "import { x } from '../a/one.ts';\nimport '../e/five.ts';"],
      ['e/five.ts', "import { y } from './six.ts';"],
      ['main.ts', "import { z } from './d/four.ts';"],
    ]);
    expect(cyclesOf(folderGraph(files))).toEqual([['a/', 'b/', 'c/']]);
    files.set('c/three.ts', "import { z } from 'node:fs';");
    expect(cyclesOf(folderGraph(files))).toEqual([]);
  });

  it.each(SOURCES)('%s has no folder cycle', (source) => {
    const edges = folderGraph(sourceFiles(join(ROOT, source)));
    const found = cyclesOf(edges).map((group) => {
      const why = group.flatMap((a) => group.map((b) => edges.get(a)?.get(b)).filter(Boolean));
      return { cycle: `${source}: ${group.join(' ')}`, why };
    });
    const unknown = found.filter((f) => !(f.cycle in KNOWN));
    expect(unknown).toEqual([]);
    const known = Object.keys(KNOWN).filter((k) => k.startsWith(`${source}: `));
    expect(found.filter((f) => f.cycle in KNOWN).map((f) => f.cycle)).toEqual(known);
  });
});
