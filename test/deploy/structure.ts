import * as k8s from '@kubernetes/client-node';
import type { KubeObject } from './kustomize.ts';

type TypeMap = { name: string; baseName: string; type: string }[];
type Model = { getAttributeTypeMap(): TypeMap };

/** Kubernetes' own kinds, checked against the API models of @kubernetes/client-node. */
const MODELS: Record<string, string> = {
  'v1/ConfigMap': 'V1ConfigMap',
  'v1/Secret': 'V1Secret',
  'v1/Service': 'V1Service',
  'v1/ServiceAccount': 'V1ServiceAccount',
  'v1/Namespace': 'V1Namespace',
  'apps/v1/Deployment': 'V1Deployment',
  'policy/v1/PodDisruptionBudget': 'V1PodDisruptionBudget',
  'rbac.authorization.k8s.io/v1/ClusterRole': 'V1ClusterRole',
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': 'V1ClusterRoleBinding',
};

export const isCoreKind = (o: KubeObject): boolean => `${o.apiVersion}/${o.kind}` in MODELS;

/**
 * Every field of the object exists in the Kubernetes API model of its kind, with a value of the
 * right type, recursively (the structure kubectl's strict field validation checks). Plus the
 * fields without which the API server refuses the kinds used here.
 */
export function checkStructure(o: KubeObject): string[] {
  const model = MODELS[`${o.apiVersion}/${o.kind}`];
  if (!model) return [`${o.apiVersion} ${o.kind}: not a known Kubernetes kind`];
  const errors = walk(o, model, '');
  if (!o.metadata?.name) errors.push('/metadata/name: required');
  if (o.kind === 'Deployment') {
    const spec = o.spec as {
      selector?: { matchLabels?: Record<string, string> };
      template?: k8s.V1PodTemplateSpec;
    };
    const labels = spec.template?.metadata?.labels ?? {};
    for (const [k, v] of Object.entries(spec.selector?.matchLabels ?? {}))
      if (labels[k] !== v) errors.push(`/spec/selector: ${k}=${v} does not select the pod template`);
    for (const c of spec.template?.spec?.containers ?? [])
      if (!c.name || !c.image) errors.push('/spec/template: container without name or image');
  }
  return errors;
}

function walk(value: unknown, type: string, path: string): string[] {
  if (value === null || value === undefined) return [];
  if (type === 'any' || type === 'object') return [];
  if (type === 'string' || type === 'Date') return typeof value === 'string' ? [] : [`${path}: not a string`];
  if (type === 'number') return typeof value === 'number' ? [] : [`${path}: not a number`];
  if (type === 'boolean') return typeof value === 'boolean' ? [] : [`${path}: not a boolean`];
  if (type === 'IntOrString')
    return typeof value === 'string' || typeof value === 'number' ? [] : [`${path}: not int or string`];
  const array = /^Array<(.+)>$/.exec(type);
  if (array) {
    if (!Array.isArray(value)) return [`${path}: not a list`];
    return value.flatMap((v, i) => walk(v, array[1] as string, `${path}/${i}`));
  }
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map) {
    if (typeof value !== 'object' || Array.isArray(value)) return [`${path}: not a map`];
    return Object.entries(value).flatMap(([k, v]) => walk(v, map[1] as string, `${path}/${k}`));
  }
  const cls = (k8s as unknown as Record<string, Model | undefined>)[type];
  if (!cls?.getAttributeTypeMap) return typeof value === 'string' ? [] : [`${path}: ${type} expected`]; // enums
  if (typeof value !== 'object' || Array.isArray(value)) return [`${path}: not an object (${type})`];
  const attrs = cls.getAttributeTypeMap();
  return Object.entries(value).flatMap(([k, v]) => {
    const attr = attrs.find((a) => a.baseName === k);
    return attr ? walk(v, attr.type, `${path}/${k}`) : [`${path}/${k}: unknown field of ${type}`];
  });
}
