import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseAllDocuments } from 'yaml';

/** A Kubernetes object as YAML gives it. */
export type KubeObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [key: string]: unknown;
};

/** An object of the build, and whether a generator made it (it then gets a hash suffix). */
interface Item {
  object: KubeObject;
  generated: boolean;
  /** Gets a content hash suffix (generated, unless its options disable the suffix). */
  hashed: boolean;
}

/**
 * The part of `kustomize build` the deploy manifests use, so the tests need no cluster tool a
 * fresh machine lacks: resources (files and directories), namespace, labels (metadata only),
 * configMapGenerator (create/replace/merge, name hash suffix with references rewritten).
 * Anything else in a kustomization.yaml is an error, so a manifest cannot silently rely on a
 * field this builder ignores.
 */
export function kustomizeBuild(dir: string): KubeObject[] {
  const items = build(dir);
  return withHashSuffixes(items);
}

const KNOWN = new Set(['apiVersion', 'kind', 'namespace', 'resources', 'configMapGenerator', 'labels']);
const GENERATOR_KEYS = new Set(['name', 'behavior', 'files', 'literals', 'options']);
const CLUSTER_SCOPED = new Set([
  'ClusterRole',
  'ClusterRoleBinding',
  'Namespace',
  'CustomResourceDefinition',
]);

export function loadYaml(file: string): KubeObject[] {
  return parseAllDocuments(readFileSync(file, 'utf8'))
    .map((d) => {
      if (d.errors.length > 0) throw new Error(`${file}: ${d.errors[0]?.message}`);
      return d.toJS() as KubeObject | null;
    })
    .filter((o): o is KubeObject => o !== null);
}

function build(dir: string): Item[] {
  const file = join(dir, 'kustomization.yaml');
  if (!existsSync(file)) throw new Error(`${dir}: no kustomization.yaml`);
  const k = loadYaml(file)[0] as unknown as Record<string, unknown>;
  for (const key of Object.keys(k)) if (!KNOWN.has(key)) throw new Error(`${file}: unsupported field ${key}`);
  if (k.kind !== 'Kustomization' || k.apiVersion !== 'kustomize.config.k8s.io/v1beta1')
    throw new Error(`${file}: not a kustomize.config.k8s.io/v1beta1 Kustomization`);
  const items: Item[] = [];
  for (const ref of (k.resources as string[] | undefined) ?? []) {
    const path = join(dir, ref);
    if (!existsSync(path)) throw new Error(`${file}: resource ${ref} does not exist`);
    if (statSync(path).isDirectory()) items.push(...build(path));
    else items.push(...loadYaml(path).map((object) => ({ object, generated: false, hashed: false })));
  }
  for (const g of (k.configMapGenerator as Record<string, unknown>[] | undefined) ?? []) {
    for (const key of Object.keys(g))
      if (!GENERATOR_KEYS.has(key)) throw new Error(`${file}: configMapGenerator: unsupported field ${key}`);
    const options = (g.options ?? {}) as { labels?: Record<string, string>; disableNameSuffixHash?: boolean };
    for (const key of Object.keys(options))
      if (!['labels', 'disableNameSuffixHash'].includes(key))
        throw new Error(`${file}: configMapGenerator options: unsupported field ${key}`);
    const name = String(g.name);
    const data: Record<string, string> = {};
    for (const f of (g.files as string[] | undefined) ?? [])
      data[basename(f)] = readFileSync(join(dir, f), 'utf8');
    for (const l of (g.literals as string[] | undefined) ?? []) {
      const eq = l.indexOf('=');
      data[l.slice(0, eq)] = l.slice(eq + 1);
    }
    const at = items.findIndex((i) => i.generated && i.object.metadata.name === name);
    const behavior = String(g.behavior ?? 'create');
    if (behavior === 'create') {
      if (at >= 0) throw new Error(`${file}: ConfigMap ${name} generated twice`);
      const metadata = { name, ...(options.labels ? { labels: { ...options.labels } } : {}) };
      const object = { apiVersion: 'v1', kind: 'ConfigMap', metadata, data };
      items.push({ object, generated: true, hashed: !options.disableNameSuffixHash });
    } else {
      const existing = items[at];
      if (!existing || !('generated' in existing))
        throw new Error(`${file}: ${behavior} of unknown ConfigMap ${name}`);
      const old = existing.object.data as Record<string, string>;
      existing.object.data = behavior === 'merge' ? { ...old, ...data } : data;
    }
  }
  if (typeof k.namespace === 'string') {
    for (const { object: o } of items) if (!CLUSTER_SCOPED.has(o.kind)) o.metadata.namespace = k.namespace;
  }
  for (const set of (k.labels as { pairs: Record<string, string> }[] | undefined) ?? []) {
    for (const { object: o } of items) o.metadata.labels = { ...o.metadata.labels, ...set.pairs };
  }
  return items;
}

/** Generated ConfigMaps get a content hash suffix; pod templates naming them follow (as kustomize does). */
function withHashSuffixes(items: Item[]): KubeObject[] {
  const renamed = new Map<string, string>();
  for (const i of items) {
    if (!i.hashed) continue;
    const hash = createHash('sha256').update(JSON.stringify(i.object.data)).digest('hex').slice(0, 10);
    const name = `${i.object.metadata.name}-${hash}`;
    renamed.set(`${i.object.metadata.namespace ?? ''}/${i.object.metadata.name}`, name);
    i.object.metadata.name = name;
  }
  const out = items.map((i) => i.object);
  for (const o of out) {
    const spec = (o as { spec?: { template?: { spec?: { volumes?: { configMap?: { name: string } }[] } } } })
      .spec;
    for (const v of spec?.template?.spec?.volumes ?? []) {
      const to = v.configMap && renamed.get(`${o.metadata.namespace ?? ''}/${v.configMap.name}`);
      if (v.configMap && to) v.configMap.name = to;
    }
  }
  return out;
}
