import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { type KubeObject, loadYaml } from './kustomize.ts';

type Schema = {
  type?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  additionalProperties?: boolean | Schema;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
};

/**
 * Validates objects of the CRDs in ../shared/crds against the OpenAPI schema of their
 * apiVersion's version: types, enums, patterns, required fields, bounds (ajv), and fields the
 * schema does not know (the API server prunes or, with strict field validation, rejects them;
 * here they are errors, so a typo cannot pass). CEL rules (x-kubernetes-validations) are not
 * evaluated.
 */
export function loadCrdValidator(dir: string): (o: KubeObject) => string[] {
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, code: { regExp: goRegExp } });
  const byKey = new Map<string, { validate: ValidateFunction; schema: Schema }>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
    for (const crd of loadYaml(join(dir, file))) {
      const spec = crd.spec as {
        group: string;
        names: { kind: string };
        versions: { name: string; served: boolean; schema: { openAPIV3Schema: Schema } }[];
      };
      for (const v of spec.versions) {
        if (!v.served) continue;
        const schema = intOrString(v.schema.openAPIV3Schema);
        byKey.set(`${spec.group}/${v.name}/${spec.names.kind}`, { validate: ajv.compile(schema), schema });
      }
    }
  }
  return (o) => {
    const entry = byKey.get(`${o.apiVersion}/${o.kind}`);
    if (!entry) return [`${o.kind} ${o.apiVersion}: no served CRD version in ${dir}`];
    const errors = entry.validate(o)
      ? []
      : (entry.validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`);
    return [...errors, ...unknownFields(entry.schema, o, '')];
  };
}

/**
 * CRD patterns are Go (RE2) regular expressions, checked by the API server; RE2's inline flag
 * group `(?i)` (prometheus-operator's `^(?i)(abort|warn)?$`) becomes the `i` flag here.
 */
function goRegExp(pattern: string, flags: string): RegExp {
  const inline = /^(\^?)\(\?i\)/.exec(pattern);
  return inline
    ? new RegExp(inline[1] + pattern.slice(inline[0].length), `${flags}i`)
    : new RegExp(pattern, flags);
}
goRegExp.code = 'new RegExp';

/** `x-kubernetes-int-or-string` schemas carry no type: say so to ajv. */
function intOrString(schema: Schema): Schema {
  const walk = (s: Schema): Schema => {
    const out: Schema & Record<string, unknown> = { ...s };
    if (s['x-kubernetes-int-or-string']) {
      delete out.type;
      (out as Record<string, unknown>).anyOf = [{ type: 'integer' }, { type: 'string' }];
    }
    if (s.properties)
      out.properties = Object.fromEntries(Object.entries(s.properties).map(([k, v]) => [k, walk(v)]));
    if (s.items) out.items = walk(s.items);
    if (s.additionalProperties && typeof s.additionalProperties === 'object')
      out.additionalProperties = walk(s.additionalProperties);
    return out;
  };
  return walk(schema);
}

function unknownFields(schema: Schema, value: unknown, path: string): string[] {
  if (value === null || typeof value !== 'object' || schema['x-kubernetes-preserve-unknown-fields'])
    return [];
  if (Array.isArray(value))
    return schema.items
      ? value.flatMap((v, i) => unknownFields(schema.items as Schema, v, `${path}/${i}`))
      : [];
  // metadata's schema is `type: object` in CRDs: its fields are Kubernetes' own ObjectMeta.
  if (path === '/metadata') return [];
  const out: string[] = [];
  for (const [key, v] of Object.entries(value)) {
    const sub =
      schema.properties?.[key] ??
      (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined);
    if (!sub) {
      if (schema.properties || schema.additionalProperties === false)
        out.push(`${path}/${key}: unknown field`);
      continue;
    }
    out.push(...unknownFields(sub, v, `${path}/${key}`));
  }
  return out;
}
