import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createFileSource,
  createLogger,
  createMetricsRegistry,
  type GatewayApiSource,
} from '../src/index.ts';

const logger = createLogger({ level: 'silent', format: 'json' }, { service: 'test' });
const sources: GatewayApiSource[] = [];
const folders: string[] = [];
afterEach(async () => {
  await Promise.all(sources.splice(0).map((s) => s.stop()));
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const route = (name: string, host: string, extra = '') => `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: ${name}
  namespace: home
${extra}spec:
  parentRefs: [{ name: internal, namespace: network }]
  hostnames: ["${host}"]
`;

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'horizon-manifests-'));
  folders.push(dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

function source(
  dir: string,
  options: { vars?: Record<string, string>; namespace?: string; labelSelector?: string } = {},
) {
  const s = createFileSource({
    dir,
    vars: options.vars ?? { SECRET_DOMAIN: 'home.example.com' },
    namespace: options.namespace ?? '',
    labelSelector: options.labelSelector ?? '',
    debounceMs: 10,
    pollMs: 0,
    logger,
    metrics: { registry: createMetricsRegistry('test'), prefix: 'horizon_test' },
  });
  sources.push(s);
  return s;
}

const hosts = (s: GatewayApiSource) =>
  s
    .snapshot()
    .httpRoutes.flatMap((r) => r.spec.hostnames ?? [])
    .sort();

async function until(check: () => boolean, what: string) {
  for (let i = 0; i < 200; i += 1) {
    if (check()) return;
    await sleep(10);
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('file source', () => {
  it('reads multi-document files and Lists, substitutes ${VAR}, and ignores other kinds', async () => {
    const dir = folder({
      'apps/a.yaml': `${route('id', 'id.${SECRET_DOMAIN}')}---\n${route('pdf', 'pdf.${SECRET_DOMAIN}')}`,
      'list.yml': `apiVersion: v1\nkind: List\nitems:\n  - apiVersion: gateway.networking.k8s.io/v1\n    kind: HTTPRoute\n    metadata: { name: voron, namespace: network }\n    spec: { hostnames: ["voron.\${SECRET_DOMAIN:=other.example}"] }\n`,
      'deploy.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: x }\nspec: {}\n',
      'kustomization.yaml':
        'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [apps/a.yaml]\n',
      'notes.txt': 'not a manifest',
    });
    const s = source(dir);
    expect(s.synced()).toBe(false);
    await s.start();
    expect(s.synced()).toBe(true);
    expect(s.stalenessSeconds()).toBe(0);
    expect(hosts(s)).toEqual(['id.home.example.com', 'pdf.home.example.com', 'voron.home.example.com']);
    expect(s.snapshot().generation).toBe(1);
  });

  it('gives objects without a namespace the default one, and filters by namespace and labels', async () => {
    const dir = folder({
      'a.yaml': route('in', 'in.example.com', '  labels: { dns: "yes" }\n'),
      'b.yaml': route('out', 'out.example.com'),
      'c.yaml':
        'apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: { name: bare, labels: { dns: "yes" } }\nspec: { hostnames: [bare.example.com] }\n',
    });
    const all = source(dir);
    await all.start();
    expect(all.snapshot().httpRoutes.find((r) => r.metadata.name === 'bare')?.metadata.namespace).toBe(
      'default',
    );
    const filtered = source(dir, { namespace: 'home', labelSelector: 'dns=yes' });
    await filtered.start();
    expect(hosts(filtered)).toEqual(['in.example.com']);
  });

  it('reloads within a second of a change, and keeps the last good objects of a broken file', async () => {
    const dir = folder({ 'a.yaml': route('a', 'a.example.com') });
    const s = source(dir);
    const generations: number[] = [];
    s.onChange((snap) => generations.push(snap.generation));
    await s.start();
    writeFileSync(join(dir, 'b.yaml'), route('b', 'b.example.com'));
    await until(() => hosts(s).length === 2, 'the new file');
    writeFileSync(join(dir, 'a.yaml'), 'kind: HTTPRoute\nmetadata: [broken\n');
    await sleep(300);
    expect(hosts(s)).toEqual(['a.example.com', 'b.example.com']); // a.yaml's last good route stays
    writeFileSync(join(dir, 'a.yaml'), route('a', 'a2.example.com'));
    await until(() => hosts(s).includes('a2.example.com'), 'the fixed file');
    rmSync(join(dir, 'b.yaml'));
    await until(() => hosts(s).join() === 'a2.example.com', 'the removal');
    expect(generations.length).toBeGreaterThanOrEqual(3);
    expect(generations).toEqual([...generations].sort((x, y) => x - y));
  });

  it('does not notify when a reload finds the same objects', async () => {
    const dir = folder({ 'a.yaml': route('a', 'a.example.com') });
    const s = source(dir);
    let calls = 0;
    s.onChange(() => {
      calls += 1;
    });
    await s.start();
    await sleep(50);
    const before = calls;
    writeFileSync(join(dir, 'a.yaml'), route('a', 'a.example.com')); // same content, new mtime
    await sleep(300);
    expect(calls).toBe(before);
    expect(s.snapshot().generation).toBe(1);
  });

  it('reads a ConfigMap-style mount (symlinked files, hidden data folder)', async () => {
    const dir = folder({ '..2026_11_24/routes.yaml': route('cm', 'cm.example.com') });
    symlinkSync('..2026_11_24', join(dir, '..data'));
    symlinkSync('..data/routes.yaml', join(dir, 'routes.yaml'));
    const s = source(dir);
    await s.start();
    expect(hosts(s)).toEqual(['cm.example.com']);
  });

  it('is not synced until every file loads (a ${VAR} without a value names the file), nor without its folder', async () => {
    const dir = folder({
      'a.yaml': route('a', 'a.${MISSING_DOMAIN}'),
      'b.yaml': route('b', 'b.example.com'),
    });
    const s = source(dir, { vars: {} });
    await s.start();
    // Serving b alone would answer a's names NXDOMAIN: a false negative. Unsynced means SERVFAIL.
    expect(s.synced()).toBe(false);
    expect(hosts(s)).toEqual([]);
    writeFileSync(join(dir, 'a.yaml'), route('a', 'a.example.com'));
    await until(() => s.synced(), 'the sync once a.yaml loads');
    expect(hosts(s)).toEqual(['a.example.com', 'b.example.com']);
    const none = source(join(dir, 'nope'));
    await none.start();
    expect(none.synced()).toBe(false);
  });
});
