import type { TSchema } from 'typebox';
import { HorizonError } from '../errors.ts';
import { closest } from './suggest.ts';

/** One validation error as typebox reports it (the fields this module reads). */
export interface SchemaError {
  keyword: string;
  schemaPath: string;
  instancePath: string;
  params: object;
  message: string;
}

/**
 * The lines of an "invalid config" message, one per problem: an unknown key once, named with its
 * full path, where it came from and the closest known key; any other error with its key and
 * source. typebox reports an unknown key twice (`schema is false` on the key, `must not have
 * additional properties` on its parent): the first is dropped.
 */
export function describeProblems(
  schema: TSchema,
  errors: readonly SchemaError[],
  sourceOf: (key: string) => string | undefined,
): string[] {
  const lines: string[] = [];
  const join = (parent: string, name: string) => (parent === '' ? name : `${parent}.${name}`);
  for (const e of errors) {
    if (e.keyword === 'boolean' && e.schemaPath.endsWith('/additionalProperties')) continue;
    const key = keyOfPointer(e.instancePath);
    if (e.keyword !== 'additionalProperties') {
      const source = sourceOf(key);
      lines.push(`${key || '(top level)'}: ${e.message}${source ? ` (from ${source})` : ''}`);
      continue;
    }
    const known = Object.keys(propertiesAt(schema, e.schemaPath));
    for (const name of (e.params as { additionalProperties?: string[] }).additionalProperties ?? []) {
      const full = join(key, name);
      const source = sourceOf(full);
      const where = source?.startsWith('file ')
        ? ` in ${source.slice(5)}`
        : source
          ? ` (from ${source})`
          : '';
      const match = closest(name, known);
      lines.push(`unknown key "${full}"${where}${match ? ` (did you mean "${join(key, match)}"?)` : ''}`);
    }
  }
  return lines;
}

/** `/forward/upstreams/0` -> `forward.upstreams.0` (JSON pointer unescaping per RFC 6901). */
function keyOfPointer(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .join('.');
}

/** The `properties` of the schema node a typebox schemaPath (`#/properties/a/items`) points at. */
function propertiesAt(schema: TSchema, schemaPath: string): Record<string, unknown> {
  let node: unknown = schema;
  for (const segment of schemaPath.replace(/^#\/?/, '').split('/').filter(Boolean)) {
    node = (node as Record<string, unknown> | undefined)?.[segment.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return ((node as { properties?: Record<string, unknown> } | undefined)?.properties ?? {}) as Record<
    string,
    unknown
  >;
}

/**
 * Runs a service's checks beyond the schema and reports every problem at once (one fix per start
 * is slow going): `check` calls `problem(message)` for each, then this throws one
 * E_CONFIG_INVALID listing them all, in the loader's format.
 */
export function checkConfig(check: (problem: (message: string) => void) => void): void {
  const problems: string[] = [];
  check((message) => problems.push(message));
  if (problems.length === 1) throw new HorizonError('E_CONFIG_INVALID', `invalid config: ${problems[0]}`);
  if (problems.length > 1) {
    throw new HorizonError(
      'E_CONFIG_INVALID',
      `invalid config:\n${problems.map((p) => `  ${p}`).join('\n')}`,
    );
  }
}
